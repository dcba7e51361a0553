/**
 * Observability across both real processes: /metrics on each, one request id in every log line of
 * a turn on both sides, no message text or collected value in logs unless LOG_CONTENT=true, and
 * Server-Timing on JSON and SSE heads.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { startRedis, startService, type ServiceProcess } from '../../scripts/testkit/index.js';
import { ENGINE_KEY, fetchToken, startGateway } from './processes.js';
import { chatTurn, lastEvent } from './sse-client.js';
import { testApp } from './helpers.js';

const redis = await startRedis();
t.teardown(() => redis.stop());

async function pair(env: Record<string, string> = {}) {
  const engine = await startService('engine', { env: { REDIS_URL: redis.url, ENGINE_KEY, LOG_LEVEL: 'info', ...env } });
  const gw = await startGateway({ REDIS_URL: redis.url, ENGINE_URL: engine.url, LOG_LEVEL: 'info', ...env });
  t.teardown(async () => {
    await gw.kill();
    await engine.kill();
  });
  return { engine, gw };
}

const jsonLines = (p: ServiceProcess) =>
  p
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Two turns whose text and collected values carry a unique marker. */
async function markedTurns(gw: ServiceProcess, reqId: string) {
  const marker = `zq${randomBytes(5).toString('hex')}`;
  const token = await fetchToken(gw.url);
  const first = await chatTurn(
    gw.url,
    token,
    { message: { id: 'o1', text: `Hi, I'm Quinn ${marker}` } },
    { origin: 'http://localhost:3000', 'x-request-id': reqId },
  );
  const sessionId = (first.events[0]!.ev.data as { sessionId: string }).sessionId;
  const second = await chatTurn(
    gw.url,
    token,
    { sessionId, message: { id: 'o2', text: `my email is ${marker}@example.com` } },
    { 'x-request-id': `${reqId}-2` },
  );
  return { marker, token, sessionId, first, second };
}

const { engine, gw } = await pair();
const reqId = `obs-${randomBytes(6).toString('hex')}`;
const run = await markedTurns(gw, reqId);

t.test('the turns worked', async (t) => {
  t.equal(lastEvent(run.first)!.event, 'done');
  // The lead-intake template needs a name and an email: the second turn completes it.
  t.match(lastEvent(run.second)!.data, { status: 'complete' });
  t.match(run.second.events.find((e) => e.ev.event === 'data')!.ev.data, { data: { email: `${run.marker}@example.com` } });
});

t.test('one request id, made or kept at the gateway, in every log line of the turn on both sides', async (t) => {
  for (const [name, p] of [
    ['gateway', gw],
    ['engine', engine],
  ] as const) {
    const lines = jsonLines(p);
    const mine = lines.filter((l) => l.reqId === reqId);
    t.ok(mine.length >= 3, `${name}: ${mine.length} lines carry the id`);
    // Every request-scoped line carries some request id; none is orphaned.
    const scoped = lines.filter((l) => l.req || l.res || /turn|stream|collected/.test(String(l.msg)));
    t.ok(scoped.length > 0);
    t.same(
      scoped.filter((l) => typeof l.reqId !== 'string'),
      [],
      `${name}: no request line without reqId`,
    );
  }
  t.match(
    jsonLines(engine).find((l) => l.reqId === reqId && l.msg === 'turn ended'),
    { outcome: 'collecting', tokens: Number },
  );
  t.equal(run.first.headers['x-request-id'], reqId, 'echoed to the client');
});

t.test('logs hold no message text and no collected value by default', async (t) => {
  t.notMatch(gw.output(), run.marker, 'gateway');
  t.notMatch(engine.output(), run.marker, 'engine');
  t.match(
    jsonLines(gw).find((l) => l.msg === 'turn requested' && l.reqId === reqId),
    { messageId: 'o1', chars: Number },
  );
});

t.test('with LOG_CONTENT=true the text and values are logged', async (t) => {
  const loud = await pair({ LOG_CONTENT: 'true' });
  const r = await markedTurns(loud.gw, `obs-loud-${randomBytes(4).toString('hex')}`);
  t.match(loud.gw.output(), r.marker, 'gateway');
  t.match(loud.engine.output(), `${r.marker}@example.com`, 'engine logs the collected value');
});

t.test('Server-Timing on JSON responses and on the SSE head', async (t) => {
  t.match(run.first.headers['server-timing'], /app;dur=[\d.]+, redis;dur=[\d.]+/, 'SSE head (time to engine headers)');
  const res = await fetch(`${gw.url}/v1/sessions/${run.sessionId}`, { headers: { authorization: `Bearer ${run.token}` } });
  t.equal(res.status, 200);
  const timing = res.headers.get('server-timing') ?? '';
  t.match(timing, /app;dur=[\d.]+, redis;dur=[\d.]+/);
  t.ok(Number(/redis;dur=([\d.]+)/.exec(timing)![1]) > 0, 'the ownership read was timed');
  const bad = await fetch(`${gw.url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  t.equal(bad.status, 401);
  t.match(bad.headers.get('server-timing'), /app;dur=/, 'errors too');
});

t.test('/metrics on both services', async (t) => {
  const g = await (await fetch(`${gw.url}/metrics`)).text();
  t.match(g, /gateway_turns_total\{outcome="collecting"\} 1/);
  t.match(g, /gateway_turns_total\{outcome="complete"\} 1/);
  t.match(g, /gateway_ttft_seconds_count 2/);
  t.match(g, /gateway_active_streams 0/);
  t.match(g, /gateway_tokens_streamed_total [1-9]/);
  t.match(g, /gateway_errors_total\{code="unauthorized"\} [1-9]/);
  t.match(g, /gateway_redis_duration_seconds_count\{op="hashSet"\} [1-9]/);
  t.match(g, /# TYPE gateway_webhook_deliveries_total counter/);
  const res = await fetch(`${engine.url}/metrics`);
  t.equal(res.status, 200, 'open without the ENGINE_KEY: internal only');
  const e = await res.text();
  t.match(e, /engine_turns_total\{outcome="collecting"\} 1/);
  t.match(e, /engine_turns_total\{outcome="complete"\} 1/);
  t.match(e, /engine_ttft_seconds_count 2/);
  t.match(e, /engine_active_streams 0/);
  t.match(e, /engine_redis_duration_seconds_count\{op="checkpoint.getTuple"\} [1-9]/);
  t.match(e, /engine_redis_duration_seconds_count\{op="session.finishTurn"\} 2/);
  const other = await fetch(`${engine.url}/v1/sessions/${run.sessionId}`);
  t.equal(other.status, 401, 'other engine routes still need the key');
});

t.test('METRICS_TOKEN protects the gateway /metrics', async (t) => {
  const { app } = await testApp({ METRICS_TOKEN: 'metrics-secret-123' });
  t.teardown(() => app.close());
  t.equal((await app.inject({ url: '/metrics' })).statusCode, 401);
  t.equal((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong' } })).statusCode, 401);
  const ok = await app.inject({ url: '/metrics', headers: { authorization: 'Bearer metrics-secret-123' } });
  t.equal(ok.statusCode, 200);
  t.match(ok.headers['content-type'], /text\/plain/);
});
