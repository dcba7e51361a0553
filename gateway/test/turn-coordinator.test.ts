/**
 * The turn coordinator's contract, the same for both implementations (Redis against a real
 * redis-server, and process memory): one running turn per session (start, attach, busy), seqs
 * that grow per session, a marker that only its own turn renews or ends, a lease that lapses,
 * a stop request that reaches its listeners and the next renewal, followers woken on the end, and
 * an erasure that leaves nothing behind.
 */
import t from 'tap';
import { createClient } from 'redis';
import { startRedis, waitFor } from '../../scripts/testkit/index.js';
import type { TurnCoordinator } from '../src/turns/coordinator.js';
import { redisTurnCoordinator } from '../src/turns/coordinator-redis.js';
import { memoryTurnCoordinator } from '../src/turns/coordinator-memory.js';

const redis = await startRedis();
t.teardown(() => redis.stop());
const admin = createClient({ url: redis.url });
await admin.connect();
t.teardown(() => admin.close());

const kinds: Array<[string, (notify: (id: string) => void) => Promise<TurnCoordinator>]> = [
  ['memory', async (notify) => memoryTurnCoordinator({ ttlS: 60, notify })],
  ['redis', (notify) => redisTurnCoordinator({ url: redis.url, cluster: false, ttlS: 60, notify, onError: () => {} })],
];

for (const [kind, make] of kinds) {
  t.test(kind, async (t) => {
    const notified: string[] = [];
    const c = await make((id) => notified.push(id));
    t.teardown(() => c.close());
    const stops: string[] = [];
    c.onStop((id) => stops.push(id));

    t.test('one running turn per session: start, attach for the same message, busy for another', async (t) => {
      t.same(await c.claim('s1', 'm1', 5000), { outcome: 'start', seq: 1 });
      t.same(await c.claim('s1', 'm1', 5000), { outcome: 'attach', seq: 1 }, 'the same message id attaches');
      t.same(await c.claim('s1', 'm2', 5000), { outcome: 'busy', seq: 1 }, 'another message is refused');
      t.same(await c.claim('s2', 'm2', 5000), { outcome: 'start', seq: 1 }, 'another session is independent');
      t.same(await c.running('s1'), { seq: 1, messageId: 'm1' });
    });

    t.test("only the marker's own turn renews or ends it", async (t) => {
      t.same(await c.renew('s1', 2, 5000), { held: false, stop: false }, 'another seq holds nothing');
      t.same(await c.renew('s1', 1, 5000), { held: true, stop: false });
      await c.end('s1', 2);
      t.same(await c.running('s1'), { seq: 1, messageId: 'm1' }, 'ending another seq leaves it');
      notified.length = 0;
      await c.end('s1', 1);
      t.equal(await c.running('s1'), null);
      t.same(notified, ['s1'], "the session's followers here are woken");
      t.same(await c.claim('s1', 'm2', 5000), { outcome: 'start', seq: 2 }, 'the next turn gets the next seq');
    });

    t.test('a stop request flags the running turn and tells the listeners; none running: false', async (t) => {
      t.equal(await c.requestStop('s1'), true);
      await waitFor(() => stops.includes('s1'), 5000, 'the stop listener');
      t.same(await c.renew('s1', 2, 5000), { held: true, stop: true }, 'the next renewal sees the flag');
      await c.end('s1', 2);
      t.equal(await c.requestStop('s1'), false, 'no running turn');
      t.same(stops, ['s1'], 'only the request that found a turn was announced');
    });

    t.test('a lease nobody renews lapses; the session can run again', async (t) => {
      t.same(await c.claim('s3', 'm1', 150), { outcome: 'start', seq: 1 });
      await waitFor(async () => (await c.running('s3')) === null, 5000, 'the lease to lapse');
      t.same(await c.claim('s3', 'm2', 5000), { outcome: 'start', seq: 2 });
    });

    t.test('a claim given back leaves the session as it was', async (t) => {
      await c.end('s3', 2);
      const claim = await c.claim('s3', 'm3', 5000);
      t.same(claim, { outcome: 'start', seq: 3 });
      await c.giveBack('s3', 3);
      t.equal(await c.running('s3'), null);
      t.same(await c.claim('s3', 'm4', 5000), { outcome: 'start', seq: 3 }, 'the seq is handed out again');
    });

    t.test('forget erases the counter and the marker', async (t) => {
      await c.forget('s3');
      t.equal(await c.running('s3'), null);
      t.same(await c.claim('s3', 'm5', 5000), { outcome: 'start', seq: 1 }, 'counting starts over');
      if (kind === 'redis') {
        await c.forget('s3');
        t.same(await admin.keys('*{s3}*'), [], 'no key of the session left');
      }
    });
  });
}
