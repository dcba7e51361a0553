/**
 * Must show 6 and 7, and the relay's failure paths, with real processes:
 * - engine killed mid-stream: the client gets an `error` event within 1 s; the gateway's session
 *   record is unchanged; after a restart the same session carries on;
 * - client disconnects mid-reply: the turn goes on into the event log (resumable); an explicit
 *   stop aborts the engine's run (its own log says so);
 * - engine unreachable before a stream: 503 engine_unavailable as JSON.
 */
import t from 'tap';
import { createClient } from 'redis';
import { freePort, startRedis, startService, waitFor, type ServiceProcess } from '../../scripts/testkit/index.js';
import { ENGINE_KEY, fetchToken, startGateway } from './processes.js';
import { chatTurn, lastEvent, openChat } from './sse-client.js';
import { resume, stopTurn } from './stream-client.js';

const redis = await startRedis();
t.teardown(() => redis.stop());
const enginePort = await freePort();
// Slow tokens, so that a turn is surely mid-stream when the test acts. A SIGKILLed engine cannot
// release its per-session turn lock, which then lapses after TURN_TIMEOUT_MS + 5 s: keep that short.
const engineEnv = { REDIS_URL: redis.url, ENGINE_KEY, EMBEDDED_TOKEN_DELAY_MS: '60', TURN_TIMEOUT_MS: '5000', LOG_LEVEL: 'info' };
let engine: ServiceProcess = await startService('engine', { port: enginePort, env: engineEnv });
t.teardown(() => engine.kill());
const gw = await startGateway({ REDIS_URL: redis.url, ENGINE_URL: `http://127.0.0.1:${enginePort}` });
t.teardown(() => gw.kill());
const kv = createClient({ url: redis.url });
await kv.connect();
t.teardown(() => kv.close());

const token = await fetchToken(gw.url);
const first = await chatTurn(gw.url, token, { message: { id: 'm1', text: "Hi, I'm Jane Doe" } });
const sessionId = (first.events[0]!.ev.data as { sessionId: string }).sessionId;
const record = () => kv.hGetAll(`gw:session:{${sessionId}}`);

t.test('engine killed mid-stream: error within 1 s, session unchanged, carries on after a restart', async (t) => {
  const before = await record();
  t.equal(before.status, 'collecting');
  const s = await openChat(gw.url, token, { sessionId, message: { id: 'm2', text: 'my email is jane@example.com' } });
  t.equal(s.status, 200);
  await s.waitForEvent((ev) => ev.event === 'token');
  const killedAt = performance.now();
  await engine.kill('SIGKILL');
  const err = await s.waitForEvent((ev) => ev.event === 'error');
  const latency = performance.now() - killedAt;
  t.ok(latency < 1000, `error event ${Math.round(latency)} ms after the kill (bound: 1 s)`);
  t.match(err.data, { code: 'stream_interrupted', retryable: true });
  await s.done;
  t.equal(lastEvent(s)!.event, 'error', 'the stream ends after the error');
  t.same(await record(), before, "the gateway's session record is unchanged");

  const down = await chatTurn(gw.url, token, { sessionId, message: { id: 'm2', text: 'my email is jane@example.com' } });
  t.equal(down.status, 503, 'engine unreachable before any stream: plain JSON');
  t.equal(down.json!.error.code, 'engine_unavailable');

  engine = await startService('engine', { port: enginePort, env: engineEnv });
  // The killed run's lock is still in Redis until it lapses: 409 turn_in_progress (retryable) until then,
  // which is what a widget's retry sees too.
  let again = await chatTurn(gw.url, token, { sessionId, message: { id: 'm2', text: 'my email is jane@example.com' } });
  await waitFor(
    async () => {
      if (again.status !== 409 || again.json?.error.code !== 'turn_in_progress') return true;
      await new Promise((r) => setTimeout(r, 500));
      again = await chatTurn(gw.url, token, { sessionId, message: { id: 'm2', text: 'my email is jane@example.com' } });
      return false;
    },
    20_000,
    "the killed turn's lock to lapse",
  );
  t.equal(again.status, 200, JSON.stringify(again.json));
  t.equal((again.events[0]!.ev.data as { sessionId: string }).sessionId, sessionId);
  t.equal(lastEvent(again)!.event, 'done', 'the same session carries on');
  const data = again.events.find((e) => e.ev.event === 'data')!.ev.data as { data: Record<string, unknown> };
  t.equal(data.data.name, 'Jane Doe', 'with what it had collected before');
});

t.test('client disconnects mid-reply: the turn goes on; stop aborts it', async (t) => {
  const s = await openChat(gw.url, token, { sessionId, message: { id: 'm3', text: 'my phone is +1 555 123 4567' } });
  t.equal(s.status, 200);
  await s.waitForEvent((ev) => ev.event === 'token');
  s.abort();
  // The gateway keeps reading the engine into the event log: the reply is there for a reconnect.
  const rest = await resume(gw.url, token, sessionId, s.events.at(-1)!.ev.id);
  t.equal(lastEvent(rest)!.event, 'done', 'the turn finished after the client left');
  t.match(gw.output(), /client disconnected mid-stream: the turn continues/);
  t.notMatch(engine.output(), /turn aborted/, 'the engine was not told to abort');

  const s2 = await openChat(gw.url, token, { sessionId, message: { id: 'm4', text: 'budget is 300' } });
  await s2.waitForEvent((ev) => ev.event === 'token');
  t.same((await stopTurn(gw.url, token, sessionId)).body, { stopped: true });
  t.match((await s2.waitForEvent((ev) => ev.event === 'error')).data, { code: 'turn_stopped' });
  await waitFor(() => /turn aborted/.test(engine.output()), 5000, 'the engine to log "turn aborted"');
  t.pass('the engine logged "turn aborted"');
  // The aborted turn released the session: the next one is served, not refused as in progress.
  let next = await chatTurn(gw.url, token, { sessionId, message: { id: 'm5', text: 'budget is 300' } });
  await waitFor(
    async () => {
      if (next.status !== 409) return true;
      next = await chatTurn(gw.url, token, { sessionId, message: { id: 'm5', text: 'budget is 300' } });
      return false;
    },
    10_000,
    'the engine lock to be released',
  );
  t.equal(next.status, 200, JSON.stringify(next.json));
  t.equal(lastEvent(next)!.event, 'done');
});
