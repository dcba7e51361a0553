/**
 * GET /metrics after real turns: the per-operation Redis timings cover what a turn actually calls
 * (the lock-and-tail script, the checkpoint read and write, the transcript append), so a store
 * method renamed or added cannot silently drop out of the histogram.
 */
import t from 'tap';
import { request } from 'undici';
import { leadIntake, newSessionId, say, startStack } from './helpers.js';

t.test('a turn shows up in engine_redis_duration_seconds by operation', async (t) => {
  const stack = await startStack(1);
  t.teardown(() => stack.stop());
  const url = stack.engines[0]!.url;
  const sid = newSessionId();
  await say(url, sid, 'hello', leadIntake);
  await say(url, sid, "I'm Ann Lee", undefined);
  const res = await request(`${url}/metrics`);
  t.equal(res.statusCode, 200);
  const text = await res.body.text();
  const count = (op: string) => Number(new RegExp(`engine_redis_duration_seconds_count\\{op="${op.replace('.', '\\.')}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  t.equal(count('session.startTurn'), 2, 'one lock-and-tail call per turn');
  t.equal(count('session.finishTurn'), 2, 'one transcript append per turn');
  t.equal(count('checkpoint.put'), 2, 'one checkpoint write per turn');
  t.ok(count('checkpoint.getTuple') >= 2, 'the state read');
  t.match(text, /engine_turns_total\{outcome="collecting"\} 2/);
});
