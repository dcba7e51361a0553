/**
 * Must show 2: with EMBEDDED_TOKEN_DELAY_MS set, tokens arrive spread over the reply, as the model
 * writes them, not in one burst at the end. The bound is relative to the configured delay.
 */
import t from 'tap';
import { leadIntake, newSessionId, say, startStack } from './helpers.js';

t.test('tokens arrive as they are produced', async (t) => {
  const DELAY = 40;
  const stack = await startStack(1, { EMBEDDED_TOKEN_DELAY_MS: String(DELAY) });
  t.teardown(() => stack.stop());
  const r = await say(stack.engines[0]!.url, newSessionId(), 'hello', leadIntake);
  const tokens = r.events.filter((e) => e.ev.event === 'token');
  t.ok(tokens.length >= 8, `several tokens (${tokens.length})`);
  const span = tokens[tokens.length - 1]!.at - tokens[0]!.at;
  // A burst at the end would arrive within a few ms; streamed tokens spread over ~DELAY per gap.
  t.ok(span >= (tokens.length - 1) * DELAY * 0.5, `spread over ${span.toFixed(0)} ms`);
  const distinct = new Set(tokens.map((e) => Math.round(e.at / (DELAY / 2))));
  t.ok(distinct.size >= tokens.length * 0.6, 'arrival times are distinct, not batched');
  t.equal(r.events.map((e) => e.ev.event).join(',').replace(/(token,)+token/, 'token*'), 'data,token*,done');
  t.ok(r.events.every((e) => e.ev.id !== undefined), 'every event has an id');
  const ids = r.events.map((e) => Number(e.ev.id));
  t.same(ids, [...ids].sort((x, y) => x - y), 'ids increase');
});
