/**
 * Production refuses to start on development material in its tenants (seeded from TENANTS_FILE or
 * already in the registry): the example file under another name, its identity or webhook secrets,
 * http/localhost origins; and the admin API refuses such origins (400 validation_failed).
 */
import t from 'tap';
import { createClient } from 'redis';
import { startRedis } from '../../scripts/testkit/index.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { tenantsFile } from './processes.js';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_TENANTS } from './helpers.js';

const redis = await startRedis();
t.teardown(() => redis.stop());
const admin = createClient({ url: redis.url });
await admin.connect();
t.teardown(() => admin.close());

const ADMIN_KEY = 'prod-admin-key-0123456789abcdef0123456789';
const start = async (env: Record<string, string>) => {
  await admin.flushAll(); // an empty registry: seeded from TENANTS_FILE
  const { config } = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'p'.repeat(40),
    ENGINE_KEY: 'e'.repeat(40),
    ENGINE_URL: 'http://127.0.0.1:9',
    REDIS_URL: redis.url,
    ADMIN_KEY,
    ...env,
  });
  const app = await buildApp(config);
  try {
    await app.ready();
  } catch (e) {
    await app.close().catch(() => {}); // what the server does before it exits: nothing left open
    throw e;
  }
  return app;
};
const secret = (n: number) => `whsec_${Buffer.alloc(32, n).toString('base64')}`;
/** The example file made production-clean: own secrets, https origins only. */
const clean = (doc: any) => {
  doc.tenants[0].identitySecret = 'acme-production-identity-secret-9f8e7d6c5b4a';
  doc.tenants[1].identitySecret = 'globex-production-identity-secret-1a2b3c4d5e6f';
  for (const tn of doc.tenants) for (const s of tn.sites) s.origins = s.origins.filter((o: string) => o.startsWith('https://'));
};

t.test('a production-clean tenants file starts', async (t) => {
  const app = await start({ TENANTS_FILE: tenantsFile(clean) });
  t.teardown(() => app.close());
  t.ok(app.tenants.site('acme', 'acme-web'));
});

t.test('the example tenants file under another name, byte for byte or reformatted: refused', async (t) => {
  const copy = join(mkdtempSync(join(tmpdir(), 'gw-prod-')), 'tenants.json');
  copyFileSync(EXAMPLE_TENANTS, copy);
  await t.rejects(start({ TENANTS_FILE: copy }), { name: 'TenantsError', message: /is the example tenants file/ });
  await t.rejects(start({ TENANTS_FILE: tenantsFile() }), { name: 'TenantsError', message: /is the example tenants file/ }, 'same JSON, other spacing');
});

const bad: Array<[string, (doc: any) => void, RegExp]> = [
  [
    'the example identity secret',
    (d) => {
      clean(d);
      d.tenants[1].identitySecret = 'acme-identity-secret-dev-only-0123456789abcdef';
    },
    /tenant globex\.identitySecret: is a secret from the repository/,
  ],
  [
    'an http origin',
    (d) => {
      clean(d);
      d.tenants[0].sites[0].origins.push('http://acme.example');
    },
    /origins\[1\]: "http:\/\/acme\.example" is plain http/,
  ],
  [
    'a localhost origin',
    (d) => {
      clean(d);
      d.tenants[0].sites[0].origins.push('https://localhost:8443');
    },
    /"https:\/\/localhost:8443" is localhost/,
  ],
  [
    'a loopback origin',
    (d) => {
      clean(d);
      d.tenants[1].sites[0].origins.push('https://127.0.0.1');
    },
    /is a loopback address/,
  ],
  [
    'the example origins as they are',
    (d) => {
      d.tenants[0].identitySecret = 'acme-production-identity-secret-9f8e7d6c5b4a';
      d.tenants[1].identitySecret = 'globex-production-identity-secret-1a2b3c4d5e6f';
    },
    /origins\[\d\]: "http:\/\/localhost:300\d" is localhost/,
  ],
];
for (const [what, edit, why] of bad)
  t.test(`a tenants file with ${what}: refused, naming the problem`, async (t) => {
    await t.rejects(start({ TENANTS_FILE: tenantsFile(edit) }), { name: 'TenantsError', message: why });
  });

t.test('a webhook secret from the repository: refused', async (t) => {
  // The example file has no webhook; a repository secret in any tenant field counts. Use the example's identity secret as the webhook's.
  const { repositorySecrets } = await import('../src/production.js');
  t.ok(repositorySecrets().size >= 2, 'the example secrets are known');
  const { checkProductionRegistry } = await import('../src/production.js');
  const known = new Set([secret(9)]);
  const registry = {
    tenants: new Map([['acme', { identitySecret: undefined, webhook: { secrets: [{ secret: secret(1) }, { secret: secret(9) }] }, sites: new Map() }]]),
  } as any;
  t.throws(() => checkProductionRegistry(registry, known), /tenant acme\.webhook\.secrets\[1\]: is a secret from the repository/);
});

t.test('production: the admin API refuses http and localhost origins (400 validation_failed)', async (t) => {
  const app = await start({ TENANTS_FILE: tenantsFile(clean) });
  t.teardown(() => app.close());
  const call = (method: 'POST' | 'PATCH', url: string, body: object) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  for (const origin of ['http://shop.acme.example', 'https://localhost', 'https://app.localhost:3000', 'https://127.0.0.1:8443', 'https://[::1]']) {
    const res = await call('POST', '/admin/v1/tenants/acme/sites', { id: 'shop', origins: ['https://shop.acme.example', origin], template: 'lead-intake' });
    t.equal(res.statusCode, 400, origin);
    t.equal(res.json().error.code, 'validation_failed');
    t.match(res.json().error.message, /origins\[1\]/);
    const upd = await call('PATCH', '/admin/v1/tenants/acme/sites/acme-web', { origins: [origin] });
    t.equal(upd.statusCode, 400, `update to ${origin}`);
  }
  t.equal(
    (await call('POST', '/admin/v1/tenants/acme/sites', { id: 'shop', origins: ['https://shop.acme.example'], template: 'lead-intake' })).statusCode,
    201,
    'https is fine',
  );
});
