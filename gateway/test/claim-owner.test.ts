/**
 * The turn claim checks the session's owner in the same script (the chat route runs it beside the
 * ownership read): another visitor's or tenant's session, or a missing one, answers `foreign` and
 * leaves Redis exactly as it was; the owner's claim starts the turn.
 */
import t from 'tap';
import { createClient } from 'redis';
import { startRedis } from '../../scripts/testkit/index.js';
import { redisTurnCoordinator } from '../src/turns/coordinator-redis.js';
import { sessionKey } from '../src/sessions.js';
import { memoryTurnCoordinator } from '../src/turns/coordinator-memory.js';

const redis = await startRedis();
t.teardown(() => redis.stop());
const log = await redisTurnCoordinator({ url: redis.url, cluster: false, ttlS: 60, onError: () => {} });
const admin = createClient({ url: redis.url });
await admin.connect();
t.teardown(async () => {
  await log.close();
  await admin.close();
});

const snapshot = async () => {
  const keys = (await admin.keys('*')).sort();
  return Promise.all(
    keys.map(async (k) => [
      k,
      await admin.type(k),
      k.startsWith('gw:session:') || k.startsWith('gw:turn:') ? await admin.hGetAll(k) : k.startsWith('gw:turnseq:') ? await admin.get(k) : null,
    ]),
  );
};

await admin.hSet(sessionKey('s-owned'), { tenantId: 'acme', siteId: 'acme-web', issuer: 'platform', sub: 'visitor-1', status: 'collecting' });

t.test("someone else's session, or none: foreign, nothing written", async (t) => {
  const before = await snapshot();
  t.same(
    await log.claim('s-owned', 'm1', 5000, { tenantId: 'acme', sub: 'visitor-2', siteId: 'acme-web', issuer: 'platform' as const }),
    { outcome: 'foreign', seq: 0 },
    'another visitor',
  );
  t.same(
    await log.claim('s-owned', 'm1', 5000, { tenantId: 'globex', sub: 'visitor-1', siteId: 'acme-web', issuer: 'platform' as const }),
    { outcome: 'foreign', seq: 0 },
    'another tenant',
  );
  t.same(
    await log.claim('s-missing', 'm1', 5000, { tenantId: 'acme', sub: 'visitor-1', siteId: 'acme-web', issuer: 'platform' as const }),
    { outcome: 'foreign', seq: 0 },
    'no such session',
  );
  t.same(await snapshot(), before, 'no key created or changed');
});

t.test('same tenant and sub, another site or issuer: foreign, nothing written', async (t) => {
  const before = await snapshot();
  t.same(
    await log.claim('s-owned', 'm1', 5000, { tenantId: 'acme', sub: 'visitor-1', siteId: 'acme-shop', issuer: 'platform' }),
    { outcome: 'foreign', seq: 0 },
    'another site',
  );
  t.same(
    await log.claim('s-owned', 'm1', 5000, { tenantId: 'acme', sub: 'visitor-1', siteId: '', issuer: 'platform' }),
    { outcome: 'foreign', seq: 0 },
    'a preview',
  );
  t.same(
    await log.claim('s-owned', 'm1', 5000, { tenantId: 'acme', sub: 'visitor-1', siteId: 'acme-web', issuer: 'customer' }),
    { outcome: 'foreign', seq: 0 },
    'another issuer',
  );
  t.same(await snapshot(), before, 'no key created or changed');
});

t.test('the owner claims; without an owner (a new session) the claim needs no record', async (t) => {
  t.same(await log.claim('s-owned', 'm1', 5000, { tenantId: 'acme', sub: 'visitor-1', siteId: 'acme-web', issuer: 'platform' as const }), {
    outcome: 'start',
    seq: 1,
  });
  t.same(
    await log.claim('s-owned', 'm1', 5000, { tenantId: 'acme', sub: 'visitor-1', siteId: 'acme-web', issuer: 'platform' as const }),
    { outcome: 'attach', seq: 1 },
    'same message attaches',
  );
  t.same(
    await log.claim('s-owned', 'm2', 5000, { tenantId: 'acme', sub: 'visitor-2', siteId: 'acme-web', issuer: 'platform' as const }),
    { outcome: 'foreign', seq: 0 },
    'ownership before the running turn',
  );
  t.same(await log.claim('s-new', 'm1', 5000), { outcome: 'start', seq: 1 });
});

t.test('a refused claim is given back: marker and seq as they were', async (t) => {
  await admin.hSet(sessionKey('s-give'), { tenantId: 'acme', siteId: 'acme-web', issuer: 'platform', sub: 'visitor-1', status: 'collecting' });
  const owner = { tenantId: 'acme', sub: 'visitor-1', siteId: 'acme-web', issuer: 'platform' as const };
  const fresh = await snapshot();
  const first = await log.claim('s-give', 'm1', 5000, owner);
  t.same(first, { outcome: 'start', seq: 1 });
  await log.giveBack('s-give', 1);
  t.same(await snapshot(), fresh, 'a first claim given back leaves no key behind');

  const one = await log.claim('s-give', 'm1', 5000, owner);
  await log.end('s-give', one.seq); // turn 1 ran
  const afterOne = await snapshot();
  const two = await log.claim('s-give', 'm2', 5000, owner);
  t.same(two, { outcome: 'start', seq: 2 });
  await log.giveBack('s-give', 2);
  t.same(await snapshot(), afterOne, 'the seq is handed back: the next turn is 2 again');
  t.same(await log.claim('s-give', 'm3', 5000, owner), { outcome: 'start', seq: 2 });
});

t.test('the memory coordinator gives back the same way', async (t) => {
  const mem = memoryTurnCoordinator({ ttlS: 60 });
  t.teardown(() => mem.close());
  t.same(await mem.claim('m-s', 'a', 5000), { outcome: 'start', seq: 1 });
  await mem.giveBack('m-s', 1);
  t.equal(await mem.running('m-s'), null, 'no running turn');
  t.same(await mem.claim('m-s', 'b', 5000), { outcome: 'start', seq: 1 }, 'seq 1 again');
});
