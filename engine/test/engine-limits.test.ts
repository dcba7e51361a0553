/**
 * Abuse limits of one engine process: MAX_CONCURRENT_TURNS (a turn past it is 503 `overloaded` with
 * Retry-After, before any stream; nothing of that session is written) and MAX_REPLY_TOKENS (every
 * provider call carries it, through the real @langchain/openai client and a local wire-format server).
 */
import t from 'tap';
import { request } from 'undici';
import { startFakeOpenAI } from '../../scripts/testkit/index.js';
import { ENGINE_KEY, leadIntake, newMessageId, newSessionId, say, startStack, turn } from './helpers.js';

t.test('MAX_CONCURRENT_TURNS: one more turn is 503 overloaded with Retry-After; a slot freed is a slot used', async (t) => {
  // 40 ms a token: the greeting turn streams for a second or two, long enough to overlap.
  const stack = await startStack(1, { MAX_CONCURRENT_TURNS: '1', EMBEDDED_TOKEN_DELAY_MS: '40' });
  t.teardown(() => stack.stop());
  const url = stack.engines[0]!.url;
  const slow = say(url, newSessionId(), 'hello', leadIntake);
  // Wait until the first turn is streaming.
  await new Promise((r) => setTimeout(r, 400));
  const refused = newSessionId();
  const res = await request(`${url}/v1/sessions/${refused}/turns`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ENGINE_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message: { id: newMessageId(), text: 'hi' }, template: leadIntake }),
  });
  t.equal(res.statusCode, 503);
  t.equal(res.headers['retry-after'], '1');
  t.match(await res.body.json(), { error: { code: 'overloaded' } });
  const first = await slow;
  t.equal(first.done?.status, 'collecting', 'the running turn was not disturbed');
  const view = await request(`${url}/v1/sessions/${refused}`, { headers: { authorization: `Bearer ${ENGINE_KEY}` } });
  t.equal(view.statusCode, 404, 'the refused turn wrote nothing');
  await view.body.dump();
  const after = await turn(url, refused, { message: { id: newMessageId(), text: 'hi' }, template: leadIntake });
  t.equal(after.done?.status, 'collecting', 'with the slot free, the same turn runs');
});

t.test('MAX_REPLY_TOKENS: every provider call carries the ceiling', async (t) => {
  const fake = await startFakeOpenAI({ tool: () => ({}), reply: () => 'Hello! What is your name?' });
  t.teardown(() => fake.close());
  const stack = await startStack(1, { MODEL: 'openai:test-model', OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'sk-test', MAX_REPLY_TOKENS: '77' });
  t.teardown(() => stack.stop());
  const r = await say(stack.engines[0]!.url, newSessionId(), 'hello', leadIntake);
  t.equal(r.reply, 'Hello! What is your name?');
  t.ok(fake.requests.length >= 2, 'extraction and reply calls');
  for (const req of fake.requests) {
    const body = req as unknown as { max_tokens?: number; max_completion_tokens?: number };
    t.equal(body.max_tokens ?? body.max_completion_tokens, 77, req.tools?.length ? 'the extraction call' : 'the reply call');
  }
});
