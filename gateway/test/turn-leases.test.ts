/**
 * The shared lease loop (turns/leases.ts) against the real Redis turn coordinator: every held turn keeps
 * its marker well past its lease, a released one lapses, a stop request reaches the running turn
 * through the renewal alone, and a session's later turn is not dropped when its earlier one is
 * released. "Another gateway process" is a second coordinator connection to the same Redis.
 */
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { startRedis, waitFor } from '../../scripts/testkit/index.js';
import { redisTurnCoordinator } from '../src/turns/coordinator-redis.js';
import { TurnLeases } from '../src/turns/leases.js';

const redis = await startRedis();
t.teardown(() => redis.stop());
const opts = { url: redis.url, cluster: false, ttlS: 60, onError: () => {} };
// `here` runs the turns; its pub/sub stop listener is never registered, so a stop can only
// arrive through a lease renewal. `elsewhere` is another process asking and looking.
const here = await redisTurnCoordinator(opts);
const elsewhere = await redisTurnCoordinator(opts);
t.teardown(() => Promise.all([here.close(), elsewhere.close()]));

const LEASE_MS = 600;
const stopped: string[] = [];
const leases = new TurnLeases({ coordinator: here, leaseMs: LEASE_MS, onStop: (id) => stopped.push(id) });

// More turns than the loop has slots, so that every slot holds some.
const sessions = Array.from({ length: 40 }, (_, i) => `lease-${i}`);
const seqs = new Map<string, number>();
for (const id of sessions) {
  const claim = await here.claim(id, `m-${id}`, LEASE_MS);
  seqs.set(id, claim.seq);
  leases.hold(id, claim.seq);
}
const running = async (ids: string[]) => (await Promise.all(ids.map((id) => elsewhere.running(id)))).map((r) => r !== null);

t.test('every held turn outlives its lease several times over', async (t) => {
  t.ok(leases.periodMs <= LEASE_MS / 3, `each turn renewed every ${leases.periodMs} ms, a third of the lease at most`);
  await sleep(LEASE_MS * 3);
  t.same(
    await running(sessions),
    sessions.map(() => true),
  );
  t.equal(leases.size, sessions.length);
});

t.test('a stop request reaches its running turn through the renewal, and only that turn', async (t) => {
  t.equal(await elsewhere.requestStop('lease-7'), true);
  await waitFor(() => stopped.includes('lease-7'), 5000, 'the stop to reach the turn');
  await sleep(leases.periodMs * 2);
  t.same([...new Set(stopped)], ['lease-7']);
});

t.test('a released turn lapses; the others are still renewed', async (t) => {
  const gone = sessions.slice(0, 20);
  const kept = sessions.slice(20);
  for (const id of gone) leases.release(id, seqs.get(id)!);
  t.equal(leases.size, kept.length);
  await waitFor(async () => (await running(gone)).every((r) => !r), 5000, 'the released leases to lapse');
  t.same(
    await running(kept),
    kept.map(() => true),
  );
});

t.test("releasing a session's earlier turn keeps its later one renewed", async (t) => {
  const id = 'lease-later';
  const first = await here.claim(id, 'm-1', LEASE_MS);
  leases.hold(id, first.seq);
  await here.end(id, first.seq);
  const second = await here.claim(id, 'm-2', LEASE_MS);
  t.equal(second.outcome, 'start');
  leases.hold(id, second.seq);
  leases.release(id, first.seq); // the earlier request's `finally` runs after the later turn began
  await sleep(LEASE_MS * 3);
  t.same(await elsewhere.running(id), { messageId: 'm-2', seq: second.seq });
  leases.release(id, second.seq);
});

t.test('releasing everything leaves nothing to renew', async (t) => {
  for (const id of sessions.slice(20)) leases.release(id, seqs.get(id)!);
  t.equal(leases.size, 0);
  await waitFor(async () => (await running(sessions)).every((r) => !r), 5000, 'every lease to lapse');
  t.pass('all lapsed');
});
