/**
 * Must show 2: a session answers only to its own tenant and visitor. Tenant B's token with tenant
 * A's session id, or visitor 2 with visitor 1's session: 404 session_not_found, byte for byte the
 * same answer as for an id that never existed, on every route.
 */
import t from 'tap';
import { startRedis, startService } from '../../scripts/testkit/index.js';
import { bearer, customerClaims, identitySecret, signHs256 } from './helpers.js';
import { ENGINE_KEY, fetchToken, startGateway, tenantsFile } from './processes.js';
import { chatTurn } from './sse-client.js';

const redis = await startRedis();
t.teardown(() => redis.stop());
const engine = await startService('engine', { env: { REDIS_URL: redis.url, ENGINE_KEY } });
t.teardown(() => engine.kill());
// A second site of tenant acme: sessions are bound to their site, not only to tenant and sub.
const TENANTS_FILE = tenantsFile((doc) =>
  doc.tenants[0].sites.push({ id: 'acme-shop', siteKey: 'pk_acme_shop', origins: ['https://shop.acme.example'], template: 'lead-intake' }),
);
const gw = await startGateway({ REDIS_URL: redis.url, ENGINE_URL: engine.url, TENANTS_FILE });
t.teardown(() => gw.kill());

const visitor1 = await fetchToken(gw.url);
const visitor2 = await fetchToken(gw.url);
const tenantB = await fetchToken(gw.url, 'pk_globex_web', 'https://globex.example');
const first = await chatTurn(gw.url, visitor1, { message: { id: 'm1', text: "Hi, I'm Jane Doe" } });
const sessionId = (first.events[0]!.ev.data as { sessionId: string }).sessionId;
// A customer-identified visitor (sub crm-42) on acme-web, and the platform visitor's sub as a customer would mint it.
const crmWeb = () => signHs256(customerClaims('acme', 'acme-web', 'crm-42'), identitySecret('acme'));
const crmFirst = await chatTurn(gw.url, crmWeb(), { message: { id: 'm1', text: "Hi, I'm John Roe" } });
const crmSession = (crmFirst.events[0]!.ev.data as { sessionId: string }).sessionId;
const subOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
const NEVER = 'ZZZZZZZZZZZZZZZZZZZZZZ';

const json = async (r: Response) => {
  const text = await r.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // an event stream: the session was reachable
  }
};
const attempts = (token: string, id: string) => [
  () => chatTurn(gw.url, token, { sessionId: id, message: { id: 'm9', text: 'hello' } }).then((s) => ({ status: s.status, body: s.json })),
  () => fetch(`${gw.url}/v1/sessions/${id}`, { headers: bearer(token) }).then(async (r) => ({ status: r.status, body: await r.json() })),
  () => fetch(`${gw.url}/v1/sessions/${id}/stream?lastEventId=0-0`, { headers: bearer(token) }).then(async (r) => ({ status: r.status, body: await json(r) })),
  () => fetch(`${gw.url}/v1/sessions/${id}/stop`, { method: 'POST', headers: bearer(token) }).then(async (r) => ({ status: r.status, body: await r.json() })),
  () => fetch(`${gw.url}/v1/sessions/${id}/close`, { method: 'POST', headers: bearer(token) }).then(async (r) => ({ status: r.status, body: await r.json() })),
];

t.test('the owner gets the session', async (t) => {
  const res = await fetch(`${gw.url}/v1/sessions/${sessionId}`, { headers: bearer(visitor1) });
  t.equal(res.status, 200);
  const crm = await fetch(`${gw.url}/v1/sessions/${crmSession}`, { headers: bearer(crmWeb()) });
  t.equal(crm.status, 200, 'a fresh customer token for the same user and site reaches it');
});

const strangers: Array<[string, () => string | Promise<string>, () => string]> = [
  ["tenant B's token", () => tenantB, () => sessionId],
  ['visitor 2 of the same tenant', () => visitor2, () => sessionId],
  [
    'a customer-minted token of the same tenant, another user',
    () => signHs256(customerClaims('acme', 'acme-web', 'crm-7'), identitySecret('acme')),
    () => sessionId,
  ],
  // Same tenant, same sub, another site: the session stays with the site it was started on.
  [
    'a customer-minted token for the same user on another site of the tenant',
    () => signHs256(customerClaims('acme', 'acme-shop', 'crm-42'), identitySecret('acme')),
    () => crmSession,
  ],
  [
    'a platform token of the same visitor refreshed for another site',
    async () => {
      const r = await fetch(`${gw.url}/v1/token`, {
        method: 'POST',
        headers: { origin: 'https://shop.acme.example', 'content-type': 'application/json', ...bearer(visitor1) },
        body: JSON.stringify({ siteKey: 'pk_acme_shop' }),
      });
      return ((await r.json()) as { token: string }).token;
    },
    () => sessionId,
  ],
  // Same tenant, site and sub, another issuer: a customer backend cannot name a platform visitor.
  [
    "a customer-minted token naming the platform visitor's sub",
    () => signHs256(customerClaims('acme', 'acme-web', subOf(visitor1)), identitySecret('acme')),
    () => sessionId,
  ],
];

for (const [who, tokenOf, idOf] of strangers) {
  t.test(`${who}: 404 session_not_found on chat, get, stream, stop and close, as for a missing id`, async (t) => {
    const token = await tokenOf();
    const foreign = await Promise.all(attempts(token, idOf()).map((f) => f()));
    const missing = await Promise.all(attempts(token, NEVER).map((f) => f()));
    for (const [i, res] of foreign.entries()) {
      t.equal(res.status, 404);
      t.same(res.body, { error: { code: 'session_not_found', message: 'Session not found.' } });
      t.same(res.body, missing[i]!.body, 'indistinguishable from a missing session');
    }
  });
}

t.test("after all that, the owner's session is still open and answers", async (t) => {
  const s = await chatTurn(gw.url, visitor1, { sessionId, message: { id: 'm2', text: 'my email is jane@example.com' } });
  t.equal(s.status, 200);
  t.equal(s.events.at(-1)!.ev.event, 'done');
});
