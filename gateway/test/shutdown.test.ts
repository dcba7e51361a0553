/**
 * Closing with grace: SIGTERM ends open streams with a retryable `shutting_down` error event (so a
 * widget retries on another replica) and the process exits instead of hanging on them.
 */
import t from 'tap';
import { startRedis, startService } from '../../scripts/testkit/index.js';
import { ENGINE_KEY, fetchToken, startGateway } from './processes.js';
import { openChat } from './sse-client.js';

const redis = await startRedis();
t.teardown(() => redis.stop());
const engine = await startService('engine', { env: { REDIS_URL: redis.url, ENGINE_KEY, EMBEDDED_TOKEN_DELAY_MS: '100' } });
t.teardown(() => engine.kill());
const gw = await startGateway({ REDIS_URL: redis.url, ENGINE_URL: engine.url });
t.teardown(() => gw.kill());

t.test('SIGTERM mid-stream: shutting_down event, then a clean exit', async (t) => {
  const token = await fetchToken(gw.url);
  const s = await openChat(gw.url, token, { message: { id: 'm1', text: "Hi, I'm Jane Doe" } });
  await s.waitForEvent((ev) => ev.event === 'token');
  const exit = new Promise<number | null>((r) => gw.process.once('exit', (code) => r(code)));
  gw.process.kill('SIGTERM');
  const err = await s.waitForEvent((ev) => ev.event === 'error');
  t.match(err.data, { code: 'shutting_down', retryable: true });
  await s.done;
  t.equal(await exit, 0, 'exited 0');
});
