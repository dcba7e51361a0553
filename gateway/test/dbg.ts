import { startRedis, startService } from '../../scripts/testkit/index.js';
import { ENGINE_KEY, fetchToken, startGateway } from './processes.js';
import { chatTurn } from './sse-client.js';
const redis = await startRedis();
try {
const engine = await startService('engine', { env: { REDIS_URL: redis.url, ENGINE_KEY, EMBEDDED_TOKEN_DELAY_MS: '1' } });
const gw = await startGateway({ REDIS_URL: redis.url, ENGINE_URL: engine.url });
const tok = await fetchToken(gw.url);
let sid: string | undefined;
for (const [i, text] of ["Hi, I'm Jane Doe", 'my email is jane@example.com', 'thanks'].entries()) {
  const s = await chatTurn(gw.url, tok, { ...(sid ? { sessionId: sid } : {}), message: { id: `m${i}`, text } });
  sid ??= (s.events[0]!.ev.data as any).sessionId;
  console.log(s.status, s.json, s.events.filter(e => e.ev.event !== 'token').map(e => JSON.stringify(e.ev)), s.events.filter(e => e.ev.event === 'token').map(e => (e.ev.data as any).text).join(''));
}
const r = await fetch(`${gw.url}/v1/sessions/${sid}`, { headers: { authorization: `Bearer ${tok}` } });
console.log(await r.text());
await gw.kill(); await engine.kill();
} finally { await redis.stop(); }
