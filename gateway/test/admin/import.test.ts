/**
 * Seeding the registry from a tenants file: idempotent, an edited template is the next version,
 * two gateways seeding at once write one version, and `npm run tenants -- import FILE` does it from
 * the command line against a real redis-server.
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { createClient } from 'redis';
import { scriptsOption } from '@chat/shared/server';
import { startRedis } from '../../../scripts/testkit/index.js';
import { redisRegistryStore, REGISTRY_SCRIPTS, type RegistryRedis } from '../../src/admin/store.js';
import { Registry } from '../../src/admin/registry.js';
import { BackOffice } from '../../src/admin/back-office.js';
import { EXAMPLE_TENANTS, ROOT } from '../helpers.js';
import { tenantsFile } from '../processes.js';

const redis = await startRedis();
const clients: Array<{ close(): Promise<unknown> }> = [];
t.teardown(async () => {
  for (const c of clients) await c.close().catch(() => {});
  await redis.stop();
});

const defaults = { turnsPerMinute: 20, sessionsPerHour: 30, platformIssuer: 'chat-gateway' };
async function office() {
  const client = createClient({ url: redis.url, scripts: scriptsOption(REGISTRY_SCRIPTS) });
  await client.connect();
  clients.push(client);
  const store = redisRegistryStore(client as unknown as RegistryRedis, { auditMax: 100, onError: () => {} });
  const registry = new Registry(store, defaults, { pollMs: 60_000, onError: () => {} });
  await registry.refresh();
  return new BackOffice(store, registry, defaults);
}
const example = () => JSON.parse(readFileSync(EXAMPLE_TENANTS, 'utf8'));

t.test('two gateways seeding at once: one version of each template, and a second import changes nothing', async (t) => {
  const [a, b] = await Promise.all([office(), office()]);
  const results = await Promise.all([a.importFile(example()), b.importFile(example())]);
  t.same(
    results.map((r) => r.tenants),
    [2, 2],
  );
  const summaries = await a.listTemplates('acme');
  t.same(
    summaries.map((x) => [x.id, x.latestVersion]),
    [['lead-intake', 1]],
    'one version, not two',
  );
  const again = await a.importFile(example());
  t.same(again.changed, [], 'idempotent');
  t.same(
    (await a.listTemplates('acme')).map((x) => x.latestVersion),
    [1],
  );
});

t.test('an edited template becomes the next version; keys made through the API survive an import', async (t) => {
  const a = await office();
  const key = await a.createKey('admin', 'acme');
  const doc = example();
  doc.tenants[0].templates['lead-intake'].greeting = 'Hello again!';
  const r = await a.importFile(doc);
  t.same(r.changed, ['acme']);
  t.equal((await a.getTemplate('acme', 'lead-intake')).greeting, 'Hello again!');
  t.equal((await a.getTemplate('acme', 'lead-intake')).version, 2);
  t.equal((await a.getTemplate('acme', 'lead-intake', 1)).greeting, example().tenants[0].templates['lead-intake'].greeting, 'v1 kept');
  t.ok(Object.hasOwn((await a.getTenant('acme')).keys, key.id));
});

t.test("a file taking another tenant's site key is refused, naming it", async (t) => {
  const a = await office();
  const doc = example();
  doc.tenants[1].sites[0].siteKey = 'pk_acme_web';
  doc.tenants[0].sites[0].siteKey = 'pk_acme_moved';
  await t.rejects(a.importFile({ tenants: [doc.tenants[1]] }), /pk_acme_web belongs to acme/);
});

t.test('npm run tenants -- import FILE', async (t) => {
  const file = tenantsFile((d) => (d.tenants[1].name = 'Globex Renamed'));
  const run = promisify(execFile);
  const { stdout } = await run('npm', ['run', '--silent', 'tenants', '--', 'import', file], { cwd: ROOT, env: { ...process.env, REDIS_URL: redis.url } });
  // acme too: the previous test edited its greeting, and the file has the original again.
  t.match(stdout, /tenants: 2 in .*; changed: acme, globex\n/);
  const second = await run('npm', ['run', '--silent', 'tenants', '--', 'import', file], { cwd: ROOT, env: { ...process.env, REDIS_URL: redis.url } });
  t.match(second.stdout, /changed: none/);
  const a = await office();
  t.equal((await a.getTenant('globex')).name, 'Globex Renamed');
  const bad = await run('npm', ['run', '--silent', 'tenants', '--', 'import', '/nonexistent.json'], {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL: redis.url },
  }).catch((e: { code: number; stderr: string }) => e);
  t.equal((bad as { code: number }).code, 1);
  t.match((bad as { stderr: string }).stderr, /nonexistent\.json/);
});
