/**
 * Must show 5, with real processes: the same message id sent twice at once (to one gateway, and
 * to two) is one run, and both requests are answered with the same reply; a different message
 * at the same time is refused with 409 turn_in_progress. Sent again after it finished, the same
 * id replays the stored reply without running again.
 */
import t from 'tap';
import { startRedis, startService } from '../../scripts/testkit/index.js';
import { ENGINE_KEY, fetchToken, startGateway } from './processes.js';
import { chatTurn, lastEvent, openChat, type ChatStream } from './sse-client.js';
import { replyText } from './stream-client.js';

const redis = await startRedis();
t.teardown(() => redis.stop());
const engine = await startService('engine', { env: { REDIS_URL: redis.url, ENGINE_KEY, EMBEDDED_TOKEN_DELAY_MS: '30' } });
t.teardown(() => engine.kill());
const gws = await Promise.all([0, 1].map(() => startGateway({ REDIS_URL: redis.url, ENGINE_URL: engine.url, EVENT_LOG_POLL_MS: '50' })));
t.teardown(() => Promise.all(gws.map((g) => g.kill())));

const token = await fetchToken(gws[0]!.url);
const first = await chatTurn(gws[0]!.url, token, { message: { id: 'm1', text: "Hi, I'm Jane Doe" } });
const sessionId = (first.events[0]!.ev.data as { sessionId: string }).sessionId;

const transcript = async () => {
  const res = await fetch(`${gws[0]!.url}/v1/sessions/${sessionId}`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { transcript: Array<{ role: string; id?: string; text: string }> }).transcript;
};

for (const [label, urls] of [
  ['one gateway', [gws[0]!.url, gws[0]!.url]],
  ['two gateways', [gws[0]!.url, gws[1]!.url]],
] as const) {
  t.test(`same message id twice at once (${label}): one run, the same reply to both`, async (t) => {
    const id = `dup-${label.replace(/\W/g, '')}`;
    const body = { sessionId, message: { id, text: 'my email is jane@example.com' } };
    const [a, b] = (await Promise.all(urls.map((u) => chatTurn(u, token, body)))) as [ChatStream, ChatStream];
    t.equal(a.status, 200);
    t.equal(b.status, 200);
    const doneA = lastEvent(a)!;
    const doneB = lastEvent(b)!;
    t.equal(doneA.event, 'done');
    t.same(doneB, doneA, 'the same done event, id included');
    t.equal(replyText(a.events), replyText(b.events), 'the same tokens');
    t.same(
      a.events.map((e) => e.ev.id),
      b.events.map((e) => e.ev.id),
      'the same event ids: one turn',
    );
    const entries = (await transcript()).filter((e) => e.id === id);
    t.equal(entries.length, 1, 'the message is in the transcript once');
  });
}

t.test('a different message at the same time: 409 turn_in_progress', async (t) => {
  const running = await openChat(gws[0]!.url, token, { sessionId, message: { id: 'long', text: 'my phone is +1 555 123 4567' } });
  await running.waitForEvent((ev) => ev.event === 'session');
  for (const url of [gws[0]!.url, gws[1]!.url]) {
    const other = await chatTurn(url, token, { sessionId, message: { id: 'other', text: 'budget 100' } });
    t.equal(other.status, 409);
    t.equal(other.json!.error.code, 'turn_in_progress');
  }
  await running.done;
  t.equal(lastEvent(running)!.event, 'done', 'the running turn is unaffected');
});

t.test('the same id after it finished: the stored reply again, no second run', async (t) => {
  const before = (await transcript()).length;
  const again = await chatTurn(gws[1]!.url, token, { sessionId, message: { id: 'long', text: 'my phone is +1 555 123 4567' } });
  t.equal(lastEvent(again)!.event, 'done');
  t.equal((await transcript()).length, before, 'nothing new in the transcript');
});
