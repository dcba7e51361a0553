import { startRedis, startService } from '../../scripts/testkit/index.js';
const redis = await startRedis();
const KEY = 'engine-key-0123456789abcdef';
try {
const engine = await startService('engine', { env: { REDIS_URL: redis.url, ENGINE_KEY: KEY, EMBEDDED_TOKEN_DELAY_MS: '5', LOG_LEVEL: 'info' } });
console.log('engine', engine.url);
const gw = await startService('gateway', { env: { REDIS_URL: redis.url, ENGINE_KEY: KEY, ENGINE_URL: engine.url, JWT_SECRET: 'x'.repeat(40), LOG_LEVEL: 'info' } });
const tok = await (await fetch(`${gw.url}/v1/token`, { method: 'POST', headers: { origin: 'http://localhost:3000', 'content-type': 'application/json' }, body: JSON.stringify({ siteKey: 'pk_acme_web' }) })).json();
console.log(tok);
const res = await fetch(`${gw.url}/v1/chat`, { method: 'POST', headers: { authorization: `Bearer ${tok.token}`, 'content-type': 'application/json', origin: 'http://localhost:3000' }, body: JSON.stringify({ message: { id: 'm1', text: "Hi, I'm Jane Doe, jane@example.com" } }) });
console.log(res.status, Object.fromEntries(res.headers));
console.log(await res.text());
console.log(engine.output().slice(-3000));
console.log(gw.output().slice(-3000));
await gw.kill(); await engine.kill();
} finally { await redis.stop(); }
