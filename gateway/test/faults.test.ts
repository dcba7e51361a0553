/**
 * Must show 2 and 3 (faults), with real processes:
 * - Redis SIGKILLed mid-conversation and restarted with its AOF: no acknowledged turn (one whose
 *   `done` the client got) is lost; while it is down turns fail fast with 503 state_unavailable;
 *   both services recover by themselves when it is back.
 * - An engine SIGKILLed mid-stream: the client gets an error event within 1 s; the same message
 *   sent again is served by the other engine once the dead one's lock lapses; the session is intact.
 */
import t from 'tap';
import { startRedis, startService, waitFor } from '../../scripts/testkit/index.js';
import { ENGINE_KEY, fetchToken, startGateway } from './processes.js';
import { chatTurn, lastEvent, openChat, type ChatStream } from './sse-client.js';
import { resume } from './stream-client.js';

const redis = await startRedis({ appendonly: true, appendfsync: 'everysec' });
t.teardown(() => redis.stop());
// Short leases: a turn cut by a crash blocks its session this long at most.
const engineEnv = { REDIS_URL: redis.url, ENGINE_KEY, EMBEDDED_TOKEN_DELAY_MS: '40', LOCK_TTL_MS: '1000', LOG_LEVEL: 'info' };
const engines = await Promise.all([0, 1].map(() => startService('engine', { env: engineEnv })));
t.teardown(() => Promise.all(engines.map((e) => e.kill())));
const gw = await startGateway({ REDIS_URL: redis.url, ENGINE_URL: engines.map((e) => e.url).join(','), TURN_LEASE_MS: '1000' });
t.teardown(() => gw.kill());

const sessionOf = (s: ChatStream) => (s.events[0]!.ev.data as { sessionId: string }).sessionId;

/** Send until the session is free again (409 turn_in_progress and 503 are retryable). */
async function sendUntilServed(token: string, body: object, ms: number) {
  let s = await chatTurn(gw.url, token, body);
  await waitFor(
    async () => {
      if (s.status === 200 && lastEvent(s)?.event === 'done') return true;
      await new Promise((r) => setTimeout(r, 200));
      s = await chatTurn(gw.url, token, body);
      return false;
    },
    ms,
    'the message to be served',
  );
  return s;
}

t.test('Redis SIGKILLed mid-conversation and restarted: no acknowledged turn lost', async (t) => {
  const token = await fetchToken(gw.url);
  const messages = ["Hi, I'm Jane Doe", 'my email is jane@example.com', 'my phone is +1 555 123 4567'];
  const acked: string[] = [];
  const first = await chatTurn(gw.url, token, { message: { id: 'a0', text: messages[0] } });
  t.equal(lastEvent(first)!.event, 'done');
  acked.push('a0');
  const sessionId = sessionOf(first);
  const second = await chatTurn(gw.url, token, { sessionId, message: { id: 'a1', text: messages[1] } });
  t.equal(lastEvent(second)!.event, 'done');
  acked.push('a1');

  // Kill Redis while the third turn streams.
  const third = await openChat(gw.url, token, { sessionId, message: { id: 'a2', text: messages[2] } });
  await third.waitForEvent((ev) => ev.event === 'token');
  await redis.kill();
  await third.done;
  const end = lastEvent(third)!;
  t.equal(end.event, 'error', 'the turn in flight fails with an error event, not a false done');
  t.match(end.data, { code: 'state_unavailable', retryable: true });

  // Down: fail fast, as JSON, never hang.
  const t0 = performance.now();
  const down = await chatTurn(gw.url, token, { sessionId, message: { id: 'a3', text: 'budget 100' } });
  const failMs = performance.now() - t0;
  t.equal(down.status, 503);
  t.equal(down.json!.error.code, 'state_unavailable');
  t.ok(failMs < 3000, `503 state_unavailable after ${Math.round(failMs)} ms (bound: 3 s)`);
  t.equal((await fetch(`${gw.url}/readyz`)).status, 503, 'the gateway is not ready without Redis');

  await redis.restart();
  const back = performance.now();
  const again = await sendUntilServed(token, { sessionId, message: { id: 'a2', text: messages[2] } }, 20_000);
  t.comment(`figure: first turn served ${Math.round(performance.now() - back)} ms after Redis was back`);
  t.equal(sessionOf(again), sessionId);
  acked.push('a2');

  const view = (await (await fetch(`${gw.url}/v1/sessions/${sessionId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
    data: Record<string, unknown>;
    transcript: Array<{ role: string; id?: string }>;
  };
  const userIds = view.transcript.filter((e) => e.role === 'user').map((e) => e.id);
  t.same(userIds, acked, 'every acknowledged turn is in the transcript, once, in order');
  t.same(view.data, { name: 'Jane Doe', email: 'jane@example.com', phone: view.data.phone }, 'the collected data survived');
  t.ok(view.data.phone, 'and the retried turn added to it');
  const log = await resume(gw.url, token, sessionId, '0-0');
  t.ok(log.events.filter((e) => e.ev.event === 'done').length >= 3, 'the event log survived too (resumable after the restart)');
});

t.test('engine SIGKILLed mid-stream: error within 1 s; the other engine serves the retry', async (t) => {
  const token = await fetchToken(gw.url);
  const first = await chatTurn(gw.url, token, { message: { id: 'b0', text: "Hi, I'm John Roe" } });
  const sessionId = sessionOf(first);
  const s = await openChat(gw.url, token, { sessionId, message: { id: 'b1', text: 'my email is john@example.com' } });
  await s.waitForEvent((ev) => ev.event === 'token');
  // The engine running this turn is the one that logged the gateway's request id.
  const requestId = String(s.headers['x-request-id']);
  const victim = engines.find((e) => e.output().includes(requestId))!;
  t.ok(victim, 'the serving engine is known');
  const killedAt = performance.now();
  await victim.kill('SIGKILL');
  const err = await s.waitForEvent((ev) => ev.event === 'error');
  const latency = performance.now() - killedAt;
  t.match(err.data, { code: 'stream_interrupted', retryable: true });
  t.ok(latency < 1000, `figure: error event ${Math.round(latency)} ms after the kill (bound: 1 s)`);
  const again = await sendUntilServed(token, { sessionId, message: { id: 'b1', text: 'my email is john@example.com' } }, 15_000);
  const data = again.events.find((e) => e.ev.event === 'data')!.ev.data as { data: Record<string, unknown> };
  t.same(data.data, { name: 'John Roe', email: 'john@example.com' }, 'the session is intact and carries on');
});
