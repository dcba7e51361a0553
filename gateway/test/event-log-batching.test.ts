/**
 * The turn recorder batches its appends to the real Redis event log: a burst of events is one
 * script call, the order and ids are kept, the terminal flush does not wait for the timer, and
 * `pending` counts what is buffered so the relay's backpressure still sees it.
 */
import t from 'tap';
import { createClient } from 'redis';
import { startRedis } from '../../scripts/testkit/index.js';
import { redisEventLog } from '../src/event-log/redis.js';
import { TurnRecorder } from '../src/event-log/log.js';
import type { WireEvent } from '@chat/shared';

const redis = await startRedis();
t.teardown(() => redis.stop());
const log = await redisEventLog({ url: redis.url, cluster: false, maxEvents: 1000, ttlS: 60, onError: () => {} });
const admin = createClient({ url: redis.url });
await admin.connect();
t.teardown(async () => {
  await log.close();
  await admin.close();
});

/** Script calls Redis has served so far (EVAL + EVALSHA). */
async function scriptCalls(): Promise<number> {
  const info = await admin.info('commandstats');
  let n = 0;
  for (const m of info.matchAll(/cmdstat_(evalsha|eval):calls=(\d+)/g)) n += Number(m[2]);
  return n;
}

const token = (text: string): WireEvent => ({ event: 'token', data: { text } });

t.test('a burst of 20 events within the flush interval is one append, in order', async (t) => {
  await log.append('warm-up', [{ id: '1-1', ev: token('x') }]); // loads the script (EVALSHA, then EVAL once)
  const before = await scriptCalls();
  const rec = new TurnRecorder(log, 'batch-a', (e) => t.fail(String(e)), 50);
  for (let n = 1; n <= 20; n++) rec.append(`1-${n}`, token(`w${n} `));
  t.equal(rec.pending, 20, 'buffered events count as pending');
  await new Promise((r) => setTimeout(r, 150));
  t.equal(rec.pending, 0, 'all acknowledged after the interval');
  t.equal((await scriptCalls()) - before, 1, 'one script call for the 20 events');
  const read = await log.read('batch-a', '1-0', 100);
  t.same(
    read.map((e) => e.id),
    Array.from({ length: 20 }, (_, i) => `1-${i + 1}`),
    'ids kept, in order',
  );
  t.same(read[19]!.ev, token('w20 '));
});

t.test('flushed() sends the buffer at once, without waiting for the timer', async (t) => {
  const rec = new TurnRecorder(log, 'batch-b', (e) => t.fail(String(e)), 10_000);
  rec.append('1-1', token('a'));
  rec.append('1-2', { event: 'done', data: { status: 'collecting', reply: 'a' } });
  const started = Date.now();
  await rec.flushed();
  t.ok(Date.now() - started < 5_000, 'did not wait the 10 s flush interval');
  t.same(
    (await log.read('batch-b', '1-0', 10)).map((e) => e.ev.event),
    ['token', 'done'],
  );
});

t.test('with flushMs 0 each burst (same tick) is one append', async (t) => {
  const before = await scriptCalls();
  const rec = new TurnRecorder(log, 'batch-c', (e) => t.fail(String(e)), 0);
  for (let n = 1; n <= 5; n++) rec.append(`1-${n}`, token(String(n)));
  await new Promise((r) => setImmediate(r));
  for (let n = 6; n <= 8; n++) rec.append(`1-${n}`, token(String(n)));
  await rec.flushed();
  t.equal((await scriptCalls()) - before, 2, 'two bursts, two script calls');
  t.equal((await log.read('batch-c', '1-0', 10)).length, 8);
});

t.test('below(n) waits for buffered events too', async (t) => {
  const rec = new TurnRecorder(log, 'batch-d', (e) => t.fail(String(e)), 30);
  for (let n = 1; n <= 10; n++) rec.append(`1-${n}`, token(String(n)));
  let resolved = false;
  const p = rec.below(5).then(() => (resolved = true));
  await new Promise((r) => setImmediate(r));
  t.notOk(resolved, 'not below 5 while 10 sit in the buffer');
  await p;
  t.ok(rec.pending <= 5);
});
