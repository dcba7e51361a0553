/**
 * The back office across replicas: two gateway processes share one redis-server. What one
 * gateway's admin API writes, the other enforces within a second, with no restart: a new tenant,
 * key, template and site; an origin removed; a site deleted under a live visitor token; a key revoked.
 * (Each "within 1 s" is a deadline on a behaviour, polled; the registry hears of a change by
 * pub/sub in milliseconds and checks its version every REGISTRY_POLL_MS as the fallback.)
 */
import t from 'tap';
import { startRedis, waitFor } from '../../../scripts/testkit/index.js';
import { startGateway } from '../processes.js';

const ADMIN_KEY = 'replica-admin-key-0123456789abcdef0123456789';
const redis = await startRedis();
const env = { REDIS_URL: redis.url, ENGINE_URL: 'http://127.0.0.1:9', ADMIN_KEY };
const [gwA, gwB] = await Promise.all([startGateway(env), startGateway(env)]);
t.teardown(async () => {
  await Promise.all([gwA.kill(), gwB.kill()]);
  await redis.stop();
});

async function admin(base: string, method: string, path: string, key: string, body?: unknown) {
  const res = await fetch(`${base}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const token = (base: string, siteKey: string, origin: string) =>
  fetch(`${base}/v1/token`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ siteKey }) });

/** A turn of a session that does not exist: 404 with a good token, 401 once the token is refused. */
const chatStatus = async (base: string, tok: string) =>
  (
    await fetch(`${base}/v1/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: 'no-such-session-00000', message: { id: 'm1', text: 'hi' } }),
    })
  ).status;

const within1s = (check: () => Promise<boolean>, what: string) => waitFor(check, 1000, what);

const ORIGIN = 'https://replica.example';

t.test('what one gateway writes, the other enforces within a second', async (t) => {
  t.equal((await admin(gwA.url, 'POST', '/tenants', ADMIN_KEY, { id: 'rep', name: 'Replica Co' })).status, 201);
  const key = (await admin(gwA.url, 'POST', '/tenants/rep/keys', ADMIN_KEY)).body as { id: string; key: string };
  const tpl = await admin(gwA.url, 'PUT', '/tenants/rep/templates/lead', key.key, { fields: { name: { type: 'string', required: true } } });
  t.equal(tpl.status, 201);
  const site = await admin(gwA.url, 'POST', '/tenants/rep/sites', key.key, { id: 'web', origins: [ORIGIN, 'https://keep.example'], template: 'lead' });
  t.equal(site.status, 201);
  const siteKey = site.body.siteKey as string;

  await within1s(async () => (await token(gwB.url, siteKey, ORIGIN)).status === 200, 'a token for the new site from the other gateway');
  t.pass('B mints tokens for a site created through A');
  await within1s(async () => (await admin(gwB.url, 'GET', '/tenants/rep', key.key)).status === 200, 'the new key accepted by B');
  t.pass('B accepts the key created through A');

  const visitor = (await (await token(gwB.url, siteKey, 'https://keep.example')).json()) as { token: string };
  t.equal(await chatStatus(gwA.url, visitor.token), 404, 'a live visitor token works on A');

  t.equal((await admin(gwA.url, 'PATCH', '/tenants/rep/sites/web', key.key, { origins: ['https://keep.example'] })).status, 200);
  await within1s(async () => (await token(gwB.url, siteKey, ORIGIN)).status === 403, 'the removed origin refused by B');
  t.pass('an origin removed through A is refused by B');

  t.equal((await admin(gwB.url, 'DELETE', '/tenants/rep/sites/web', key.key)).status, 204);
  await within1s(async () => (await chatStatus(gwA.url, visitor.token)) === 401, "the deleted site's visitor token refused by A");
  t.pass('the site deleted through B: its visitor token is refused by A');

  t.equal((await admin(gwA.url, 'DELETE', `/tenants/rep/keys/${key.id}`, ADMIN_KEY)).status, 204);
  await within1s(
    async () => (await admin(gwA.url, 'GET', '/tenants/rep', key.key)).status === 401 && (await admin(gwB.url, 'GET', '/tenants/rep', key.key)).status === 401,
    'the revoked key refused on both',
  );
  t.pass('a revoked key is refused on both gateways');
});

t.test('a missed change message is caught by the version check', async (t) => {
  // Write behind the gateways' back: a new origin for the demo site, the version bumped, no message.
  const { createClient } = await import('redis');
  const db = createClient({ url: redis.url });
  await db.connect();
  t.teardown(() => db.close());
  const QUIET = 'https://quiet.example';
  t.equal((await token(gwB.url, 'pk_acme_web', QUIET)).status, 403);
  const doc = JSON.parse((await db.hGet('bo:{reg}:tenants', 'acme'))!);
  doc.sites['acme-web'].origins.push(QUIET);
  await db.hSet('bo:{reg}:tenants', 'acme', JSON.stringify(doc));
  await db.incr('bo:{reg}:version');
  // REGISTRY_POLL_MS is 1000 by default: a poll, then a reload.
  await waitFor(async () => (await token(gwB.url, 'pk_acme_web', QUIET)).status === 200, 2500, 'the quiet change seen');
  t.pass('a change without a message is picked up by the version poll');
});
