/**
 * Must show 2: a session answers only to its own tenant and visitor. Tenant B's token with tenant
 * A's session id, or visitor 2 with visitor 1's session: 404 session_not_found, byte for byte the
 * same answer as for an id that never existed, on every route.
 */
import t from 'tap';
import { startRedis, startService } from '../../scripts/testkit/index.js';
import { bearer, customerClaims, identitySecret, signHs256 } from './helpers.js';
import { ENGINE_KEY, fetchToken, startGateway } from './processes.js';
import { chatTurn } from './sse-client.js';

const redis = await startRedis();
t.teardown(() => redis.stop());
const engine = await startService('engine', { env: { REDIS_URL: redis.url, ENGINE_KEY } });
t.teardown(() => engine.kill());
const gw = await startGateway({ REDIS_URL: redis.url, ENGINE_URL: engine.url });
t.teardown(() => gw.kill());

const visitor1 = await fetchToken(gw.url);
const visitor2 = await fetchToken(gw.url);
const tenantB = await fetchToken(gw.url, 'pk_globex_web', 'https://globex.example');
const first = await chatTurn(gw.url, visitor1, { message: { id: 'm1', text: "Hi, I'm Jane Doe" } });
const sessionId = (first.events[0]!.ev.data as { sessionId: string }).sessionId;
const NEVER = 'ZZZZZZZZZZZZZZZZZZZZZZ';

const attempts = (token: string, id: string) => [
  () => chatTurn(gw.url, token, { sessionId: id, message: { id: 'm9', text: 'hello' } }).then((s) => ({ status: s.status, body: s.json })),
  () => fetch(`${gw.url}/v1/sessions/${id}`, { headers: bearer(token) }).then(async (r) => ({ status: r.status, body: await r.json() })),
  () => fetch(`${gw.url}/v1/sessions/${id}/close`, { method: 'POST', headers: bearer(token) }).then(async (r) => ({ status: r.status, body: await r.json() })),
];

t.test('the owner gets the session', async (t) => {
  const res = await fetch(`${gw.url}/v1/sessions/${sessionId}`, { headers: bearer(visitor1) });
  t.equal(res.status, 200);
});

const strangers: Array<[string, () => string]> = [
  ['tenant B\'s token', () => tenantB],
  ['visitor 2 of the same tenant', () => visitor2],
  ['a customer-minted token of the same tenant, another user', () => signHs256(customerClaims('acme', 'acme-web', 'crm-7'), identitySecret('acme'))],
];

for (const [who, tokenOf] of strangers) {
  t.test(`${who}: 404 session_not_found on chat, get and close, as for a missing id`, async (t) => {
    const token = tokenOf();
    const foreign = await Promise.all(attempts(token, sessionId).map((f) => f()));
    const missing = await Promise.all(attempts(token, NEVER).map((f) => f()));
    for (const [i, res] of foreign.entries()) {
      t.equal(res.status, 404);
      t.same(res.body, { error: { code: 'session_not_found', message: 'Session not found.' } });
      t.same(res.body, missing[i]!.body, 'indistinguishable from a missing session');
    }
  });
}

t.test('after all that, the owner\'s session is still open and answers', async (t) => {
  const s = await chatTurn(gw.url, visitor1, { sessionId, message: { id: 'm2', text: 'my email is jane@example.com' } });
  t.equal(s.status, 200);
  t.equal(s.events.at(-1)!.ev.event, 'done');
});
