/**
 * Must show 2: with EMBEDDED_TOKEN_DELAY_MS set, tokens arrive spread over the reply, as the model
 * writes them, not in one burst at the end. The bound is relative to the configured delay.
 */
import t from 'tap';
import { request } from 'undici';
import { waitFor } from '../../scripts/testkit/index.js';
import { api, ENGINE_KEY, leadIntake, newSessionId, say, startStack, turn } from './helpers.js';

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
  t.equal(
    r.events
      .map((e) => e.ev.event)
      .join(',')
      .replace(/(token,)+token/, 'token*'),
    'data,token*,done',
  );
  t.ok(
    r.events.every((e) => e.ev.id !== undefined),
    'every event has an id',
  );
  const ids = r.events.map((e) => Number(e.ev.id));
  t.same(
    ids,
    [...ids].sort((x, y) => x - y),
    'ids increase',
  );
});

t.test('a client that disconnects mid-reply aborts the run and changes nothing', async (t) => {
  const stack = await startStack(1, { EMBEDDED_TOKEN_DELAY_MS: '50' });
  t.teardown(() => stack.stop());
  const engine = stack.engines[0]!;
  const sid = newSessionId();
  await say(engine.url, sid, 'hello', leadIntake);
  const before = await api(engine.url, 'GET', `/v1/sessions/${sid}`);

  const ac = new AbortController();
  const pending = turn(engine.url, sid, { message: { id: 'gone-1', text: "I'm Eve Moss" } }, { signal: ac.signal }).catch((e: Error) => e);
  await new Promise((r) => setTimeout(r, 250));
  ac.abort();
  t.type(await pending, Error, 'the client gave up mid-stream');
  await waitFor(() => engine.output().includes('turn aborted'), 5000, 'engine logs the abort');
  const after = await api(engine.url, 'GET', `/v1/sessions/${sid}`);
  t.same(after.body, before.body, 'no data, no transcript entry from the aborted turn');
  // The lock was released: the same message can be sent again at once and runs in full.
  const again = await say(engine.url, sid, "I'm Eve Moss");
  t.equal(again.status, 200);
  t.equal(again.data?.data.name, 'Eve Moss');
});

t.test('idle streams carry a heartbeat every HEARTBEAT_MS; the transcript is capped at TRANSCRIPT_MAX', async (t) => {
  const stack = await startStack(1, { EMBEDDED_TOKEN_DELAY_MS: '150', HEARTBEAT_MS: '100', TRANSCRIPT_MAX: '10' });
  t.teardown(() => stack.stop());
  const url = stack.engines[0]!.url;
  const sid = newSessionId();
  const res = await request(`${url}/v1/sessions/${sid}/turns`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ENGINE_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message: { id: 'h1', text: 'hello' }, template: leadIntake }),
  });
  const raw = await res.body.text();
  t.ok((raw.match(/^: ping$/gm) ?? []).length >= 3, 'pings between slow tokens');
  for (const text of ["I'm Ann Lee", 'ann@example.com', 'skip', 'budget 100', 'flat']) await say(url, sid, text);
  const view = await api(url, 'GET', `/v1/sessions/${sid}`);
  t.equal(view.body.transcript.length, 10, 'only the last TRANSCRIPT_MAX entries of 12 are kept');
  t.equal(view.body.transcript[0].text, "I'm Ann Lee", 'the oldest turn went');
  t.equal(view.body.transcript.at(-2).text, 'flat', 'the newest stayed');
});
