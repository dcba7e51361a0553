/**
 * Must show 5: the per-visitor turn limit holds across two gateway processes sharing one Redis,
 * and answers 429 with Retry-After. Also the per-IP token limit and the per-visitor session limit.
 */
import t from 'tap';
import { startRedis } from '../../scripts/testkit/index.js';
import { fetchToken, postChat, startGateway, tenantsFile } from './processes.js';
import { ACME_ORIGIN } from './helpers.js';

const redis = await startRedis();
t.teardown(() => redis.stop());
const TENANTS_FILE = tenantsFile((d) => (d.tenants[0].limits = { turnsPerMinute: 3, sessionsPerHour: 2 }));
const env = { REDIS_URL: redis.url, TENANTS_FILE, RATE_TOKEN_PER_MINUTE: '6', ENGINE_URL: 'http://127.0.0.1:9' };
const a = await startGateway(env);
const b = await startGateway(env);
t.teardown(() => a.kill());
t.teardown(() => b.kill());

// A well-formed id of no session: each try is a turn attempt (counted), answered 404.
const SID = 'BBBBBBBBBBBBBBBBBBBBBB';
const turn = (url: string, token: string) => postChat(url, token, { sessionId: SID, message: { id: 'm1', text: 'hi' } });

t.test('turnsPerMinute per visitor, spread over two gateways', async (t) => {
  const visitor1 = await fetchToken(a.url);
  const visitor2 = await fetchToken(b.url);
  t.equal((await turn(a.url, visitor1)).status, 404);
  t.equal((await turn(b.url, visitor1)).status, 404);
  t.equal((await turn(a.url, visitor1)).status, 404);
  const over = await turn(b.url, visitor1);
  t.equal(over.status, 429, 'the 4th turn, on the other process, is refused');
  const retryAfter = Number(over.headers.get('retry-after'));
  t.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter} s within the minute window`);
  const body = (await over.json()) as { error: { code: string } };
  t.equal(body.error.code, 'rate_limited');
  t.equal((await turn(a.url, visitor1)).status, 429, 'and on the first process too');
  t.equal((await turn(a.url, visitor2)).status, 404, 'another visitor is not affected');
});

t.test('sessionsPerHour per visitor counts only new sessions', async (t) => {
  const v = await fetchToken(a.url);
  const fresh = () => postChat(a.url, v, { message: { id: 'm1', text: 'hi' } });
  // The engine is unreachable here, so each new-session attempt ends 503, but it counts.
  t.equal((await fresh()).status, 503);
  t.equal((await fresh()).status, 503);
  const over = await fresh();
  t.equal(over.status, 429);
  t.ok(Number(over.headers.get('retry-after')) > 60, 'an hour window');
});

t.test('POST /v1/token per IP, across gateways', async (t) => {
  // The tests above took 3 tokens from this IP (on both processes): 3 more fit in the limit of 6.
  let status = 200;
  let n = 0;
  while (status === 200 && n < 20) {
    const res = await fetch(`${(n % 2 ? a : b).url}/v1/token`, {
      method: 'POST',
      headers: { origin: ACME_ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ siteKey: 'pk_acme_web' }),
    });
    status = res.status;
    if (status === 429) t.ok(Number(res.headers.get('retry-after')) >= 1, 'Retry-After');
    n++;
  }
  t.equal(status, 429);
  t.equal(n, 4, 'the 7th token of the minute, across both processes, is refused');
});
