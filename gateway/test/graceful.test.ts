/**
 * Graceful operation with real processes: SIGTERM on either service stops accepting (503
 * shutting_down as JSON, /readyz 503), lets running turns finish within SHUTDOWN_GRACE_MS and
 * exits 0; turns still running when the grace period ends get a retryable `shutting_down` event.
 */
import t from 'tap';
import { startRedis, startService, waitFor, type ServiceProcess } from '../../scripts/testkit/index.js';
import { ENGINE_KEY, fetchToken, startGateway } from './processes.js';
import { chatTurn, lastEvent, openChat } from './sse-client.js';

const redis = await startRedis();
t.teardown(() => redis.stop());

const exitCode = (p: ServiceProcess) =>
  new Promise<number | null>((r) => (p.process.exitCode !== null ? r(p.process.exitCode) : p.process.once('exit', (code) => r(code))));
const notReady = async (url: string) => (await fetch(`${url}/readyz`)).status === 503;

// Every process up front, in parallel: starting them is most of this file's time.
const engineEnv = { REDIS_URL: redis.url, ENGINE_KEY, EMBEDDED_TOKEN_DELAY_MS: '40', SHUTDOWN_GRACE_MS: '20000' };
const shortEnv = { REDIS_URL: redis.url, ENGINE_KEY, EMBEDDED_TOKEN_DELAY_MS: '300', SHUTDOWN_GRACE_MS: '300' };
const [engine1, engine2] = await Promise.all([startService('engine', { env: engineEnv }), startService('engine', { env: shortEnv })]);
let engine2b: ServiceProcess | undefined;
t.teardown(() => Promise.all([engine1.kill(), engine2.kill(), engine2b?.kill()]));
const [gwLong, gwShort, gwE1, gwE2] = await Promise.all([
  startGateway({ REDIS_URL: redis.url, ENGINE_URL: engine1.url, SHUTDOWN_GRACE_MS: '20000' }),
  startGateway({ REDIS_URL: redis.url, ENGINE_URL: engine1.url, SHUTDOWN_GRACE_MS: '300' }),
  startGateway({ REDIS_URL: redis.url, ENGINE_URL: engine1.url }),
  startGateway({ REDIS_URL: redis.url, ENGINE_URL: engine2.url }),
]);
t.teardown(() => Promise.all([gwLong, gwShort, gwE1, gwE2].map((g) => g!.kill())));

t.test('gateway SIGTERM: running streams finish, new ones get 503 shutting_down, exit 0', async (t) => {
  const gw = gwLong;
  const token = await fetchToken(gw.url);
  const streams = await Promise.all([1, 2].map((i) => openChat(gw.url, token, { message: { id: `m${i}`, text: "Hi, I'm Jane Doe" } })));
  await Promise.all(streams.map((s) => s.waitForEvent((ev) => ev.event === 'token')));
  const exit = exitCode(gw);
  gw.process.kill('SIGTERM');
  await waitFor(() => notReady(gw.url), 5000, '/readyz to answer 503');
  const refused = await chatTurn(gw.url, token, { message: { id: 'm3', text: 'hello' } });
  t.equal(refused.status, 503);
  t.equal(refused.json!.error.code, 'shutting_down', 'a new turn is refused as JSON');
  t.equal((await fetch(`${gw.url}/healthz`)).status, 200, 'still alive while draining');
  for (const s of streams) {
    await s.done;
    t.equal(lastEvent(s)!.event, 'done', 'a running turn finished');
  }
  t.equal(await exit, 0, 'exited 0');
});

t.test('gateway SIGTERM with a short grace: the open stream gets shutting_down, exit 0', async (t) => {
  const gw = gwShort;
  const token = await fetchToken(gw.url);
  const s = await openChat(gw.url, token, { message: { id: 'm1', text: "Hi, I'm Jane Doe" } });
  await s.waitForEvent((ev) => ev.event === 'token');
  const exit = exitCode(gw);
  gw.process.kill('SIGTERM');
  const err = await s.waitForEvent((ev) => ev.event === 'error');
  t.match(err.data, { code: 'shutting_down', retryable: true });
  await s.done;
  t.equal(await exit, 0, 'exited 0');
});

t.test('engine SIGTERM: the running turn finishes, a new one gets 503 shutting_down, exit 0', async (t) => {
  const engine = engine1;
  const gw = gwE1;
  const token = await fetchToken(gw.url);
  const s = await openChat(gw.url, token, { message: { id: 'm1', text: "Hi, I'm Jane Doe" } });
  await s.waitForEvent((ev) => ev.event === 'token');
  const exit = exitCode(engine);
  engine.process.kill('SIGTERM');
  await waitFor(() => notReady(engine.url), 5000, 'the engine /readyz to answer 503');
  const direct = await fetch(`${engine.url}/v1/sessions/AAAAAAAAAAAAAAAAAAAAAA/turns`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ENGINE_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message: { id: 'x', text: 'hello' } }),
  });
  t.equal(direct.status, 503);
  t.equal(((await direct.json()) as { error: { code: string } }).error.code, 'shutting_down');
  await s.done;
  t.equal(lastEvent(s)!.event, 'done', 'the running turn finished');
  t.equal(await exit, 0, 'exited 0');
});

t.test('engine SIGTERM with a short grace: the turn ends with shutting_down, the session is intact', async (t) => {
  const engine = engine2;
  const gw = gwE2;
  const token = await fetchToken(gw.url);
  const first = await chatTurn(gw.url, token, { message: { id: 'm1', text: "Hi, I'm Jane Doe" } });
  const sessionId = (first.events[0]!.ev.data as { sessionId: string }).sessionId;
  const s = await openChat(gw.url, token, { sessionId, message: { id: 'm2', text: 'jane@example.com' } });
  await s.waitForEvent((ev) => ev.event === 'token');
  const exit = exitCode(engine);
  engine.process.kill('SIGTERM');
  const err = await s.waitForEvent((ev) => ev.event === 'error');
  t.match(err.data, { code: 'shutting_down', retryable: true });
  t.equal(await exit, 0, 'exited 0');
  engine2b = await startService('engine', { env: shortEnv, port: engine.port });
  const again = await chatTurn(gw.url, token, { sessionId, message: { id: 'm2', text: 'jane@example.com' } });
  t.equal(lastEvent(again)!.event, 'done', 'the retried message is served by the next engine');
  const data = again.events.find((e) => e.ev.event === 'data')!.ev.data as { data: Record<string, unknown> };
  t.same(data.data, { name: 'Jane Doe', email: 'jane@example.com' }, 'nothing of the cut turn was half-saved');
});
