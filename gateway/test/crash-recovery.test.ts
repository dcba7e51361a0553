/**
 * Crash recovery in seconds, with the default leases (LOCK_TTL_MS, TURN_LEASE_MS: 3000, renewed
 * every third): an engine or a gateway SIGKILLed mid-reply blocks its session for one lease at
 * most, and a 409 turn_in_progress says how long to wait (Retry-After, seconds).
 * Real processes: Redis, two engines, two gateways.
 */
import t from 'tap';
import { startRedis, startService } from '../../scripts/testkit/index.js';
import { ENGINE_KEY, fetchToken, startGateway, tenantsFile } from './processes.js';
import { chatTurn, lastEvent, openChat, type ChatStream } from './sse-client.js';

const redis = await startRedis();
t.teardown(() => redis.stop());
// No LOCK_TTL_MS or TURN_LEASE_MS: the defaults are what is tested.
const engineEnv = { REDIS_URL: redis.url, ENGINE_KEY, EMBEDDED_TOKEN_DELAY_MS: '40', LOG_LEVEL: 'info' };
const engines = await Promise.all([0, 1].map(() => startService('engine', { env: engineEnv })));
t.teardown(() => Promise.all(engines.map((e) => e.kill())));
// Polling every 100 ms would meet the tenant's turn rate limit first.
const TENANTS_FILE = tenantsFile((d) => (d.tenants[0].limits = { turnsPerMinute: 10000, sessionsPerHour: 1000 }));
const gwEnv = { REDIS_URL: redis.url, ENGINE_URL: engines.map((e) => e.url).join(','), TENANTS_FILE };
const gws = await Promise.all([0, 1].map(() => startGateway(gwEnv)));
t.teardown(() => Promise.all(gws.map((g) => g.kill())));

const BOUND_MS = 3000;
/** Scheduling slack on a shared 2-core machine: polling, process start of nothing, Redis round trips. */
const SLACK_MS = 1500;
const sessionOf = (s: ChatStream) => (s.events[0]!.ev.data as { sessionId: string }).sessionId;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Send `body` every 100 ms until it is accepted (a 200 stream), or fail at the deadline; `ms` is the
 * time to that acceptance (the lease lapsing), then the stream is read to its end. Refusals are kept.
 */
async function pollUntilServed(gwUrl: string, token: string, body: object, deadlineMs: number) {
  const start = performance.now();
  const refusals: ChatStream[] = [];
  for (;;) {
    const s = await openChat(gwUrl, token, body);
    if (s.status === 200) {
      const ms = performance.now() - start;
      await s.done;
      return { s, ms: lastEvent(s)?.event === 'done' ? ms : Infinity, refusals };
    }
    await s.done;
    refusals.push(s);
    if (performance.now() - start > deadlineMs) return { s, ms: Infinity, refusals };
    await sleep(100);
  }
}

t.test('an engine SIGKILLed mid-reply: the next turn is served by the other engine within ~3 s; the 409 meanwhile has Retry-After', async (t) => {
  const gw = gws[0]!;
  const token = await fetchToken(gw.url);
  const first = await chatTurn(gw.url, token, { message: { id: 'c0', text: "Hi, I'm Cora Vale" } });
  const sessionId = sessionOf(first);
  const s = await openChat(gw.url, token, { sessionId, message: { id: 'c1', text: 'my email is cora@example.com' } });
  await s.waitForEvent((ev) => ev.event === 'token');
  const requestId = String(s.headers['x-request-id']);
  const victim = engines.find((e) => e.output().includes(requestId))!;
  t.ok(victim, 'the serving engine is known');
  const killedAt = performance.now();
  await victim.kill('SIGKILL');
  await s.waitForEvent((ev) => ev.event === 'error');

  // Another message at once: the dead engine's lock still holds the session; the 409 says for how long.
  const busy = await chatTurn(gw.url, token, { sessionId, message: { id: 'c9', text: 'hello?' } });
  t.equal(busy.status, 409);
  t.equal(busy.json?.error.code, 'turn_in_progress');
  const retryAfter = Number(busy.headers['retry-after']);
  t.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 3, `Retry-After: ${busy.headers['retry-after']} s (1..3)`);

  const { s: again, ms } = await pollUntilServed(
    gw.url,
    token,
    { sessionId, message: { id: 'c1', text: 'my email is cora@example.com' } },
    BOUND_MS + SLACK_MS,
  );
  const sinceKill = performance.now() - killedAt;
  t.comment(
    `figure: the retried turn was accepted ${Math.round(ms)} ms into polling; its done came ${Math.round(sinceKill)} ms after the SIGKILL (the reply streams ~20 tokens 40 ms apart)`,
  );
  t.ok(Number.isFinite(ms), `accepted within ${BOUND_MS + SLACK_MS} ms of polling, then done`);
  const data = again.events.find((e) => e.ev.event === 'data')?.ev.data as { data: Record<string, unknown> } | undefined;
  t.same(data?.data, { name: 'Cora Vale', email: 'cora@example.com' }, 'the session is intact');
});

t.test('a gateway SIGKILLed mid-reply: its marker blocks the session ~3 s at most; the 409 from a gateway has Retry-After', async (t) => {
  const [dead, live] = [gws[1]!, gws[0]!];
  const token = await fetchToken(live.url);
  const first = await chatTurn(live.url, token, { message: { id: 'd0', text: "Hi, I'm Dora Lind" } });
  const sessionId = sessionOf(first);
  const s = await openChat(dead.url, token, { sessionId, message: { id: 'd1', text: 'my email is dora@example.com' } });
  await s.waitForEvent((ev) => ev.event === 'token');
  const killedAt = performance.now();
  await dead.kill('SIGKILL');

  const { ms, refusals } = await pollUntilServed(
    live.url,
    token,
    { sessionId, message: { id: 'd2', text: 'my phone is +1 555 222 3333' } },
    BOUND_MS + SLACK_MS,
  );
  const sinceKill = performance.now() - killedAt;
  t.comment(
    `figure: the next turn through the other gateway was accepted ${Math.round(ms)} ms after polling began, done ${Math.round(sinceKill)} ms after the SIGKILL (${refusals.length} refusals first)`,
  );
  t.ok(Number.isFinite(ms), `accepted within ${BOUND_MS + SLACK_MS} ms of polling, then done`);
  for (const r of refusals.filter((x) => x.status === 409)) {
    t.equal(r.json?.error.code, 'turn_in_progress');
    const ra = Number(r.headers['retry-after']);
    t.ok(Number.isInteger(ra) && ra >= 1 && ra <= 3, `409 with Retry-After ${r.headers['retry-after']}`);
  }
  t.ok(
    refusals.some((r) => r.status === 409),
    'the session was busy right after the kill (a 409 was seen)',
  );
});

t.test("the gateway's own 409 (a different message while a turn runs) has Retry-After", async (t) => {
  const gw = gws[0]!;
  const token = await fetchToken(gw.url);
  const first = await chatTurn(gw.url, token, { message: { id: 'e0', text: "Hi, I'm Eve Moss" } });
  const sessionId = sessionOf(first);
  const running = await openChat(gw.url, token, { sessionId, message: { id: 'e1', text: 'my email is eve@example.com' } });
  await running.waitForEvent((ev) => ev.event === 'token');
  const busy = await chatTurn(gw.url, token, { sessionId, message: { id: 'e2', text: 'and another thing' } });
  t.equal(busy.status, 409);
  t.equal(busy.json?.error.code, 'turn_in_progress');
  t.equal(busy.headers['retry-after'], '3', 'Retry-After: the gateway lease, in seconds');
  await running.done;
});
