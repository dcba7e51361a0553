/** Must show 4: tokens only for the site's own origins, exact strings; no CORS grant otherwise. */
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACME_ORIGIN, EXAMPLE_TENANTS, JWT_SECRET, bearer, now, signHs256, testApp } from './helpers.js';

// The example tenants plus https://example.com on acme's site, to try its look-alikes.
const doc = JSON.parse(readFileSync(EXAMPLE_TENANTS, 'utf8'));
doc.tenants[0].sites[0].origins.push('https://example.com');
const file = join(mkdtempSync(join(tmpdir(), 'cors-')), 'tenants.json');
writeFileSync(file, JSON.stringify(doc));
const { app } = await testApp({ TENANTS_FILE: file });
t.teardown(() => app.close());

const askToken = (origin: string | undefined, siteKey = 'pk_acme_web', headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: '/v1/token',
    headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}), ...headers },
    payload: { siteKey },
  });
const subOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub as string;

t.test('an origin of the site gets a token and a CORS grant for exactly that origin', async (t) => {
  for (const origin of [ACME_ORIGIN, 'http://127.0.0.1:3000', 'https://acme.example', 'https://example.com']) {
    const res = await askToken(origin);
    t.equal(res.statusCode, 200, origin);
    t.match(res.json(), { token: String, expiresAt: String });
    t.equal(res.headers['access-control-allow-origin'], origin);
    t.match(String(res.headers.vary), /origin/i);
    t.equal(res.headers['cache-control'], 'no-store');
  }
});

t.test("origins outside the site's list: 403 origin_not_allowed and no CORS grant", async (t) => {
  const outside = [
    'https://evilexample.com', // the look-alike of https://example.com
    'https://example.com.evil.net',
    'http://example.com', // scheme differs
    'https://example.com:8443', // port differs
    'http://localhost:3001', // globex's origin asking for acme's site
    'https://globex.example',
    'null',
  ];
  for (const origin of outside) {
    const res = await askToken(origin);
    t.equal(res.statusCode, 403, origin);
    t.equal(res.json().error.code, 'origin_not_allowed');
    t.notOk(res.headers['access-control-allow-origin'], `no grant for ${origin}`);
  }
  const none = await askToken(undefined);
  t.equal(none.statusCode, 403, 'no Origin at all: not a browser on the site');
});

t.test('preflight: granted for known origins only, never with *', async (t) => {
  const preflight = (origin: string) =>
    app.inject({
      method: 'OPTIONS',
      url: '/v1/chat',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
  const ok = await preflight('https://example.com');
  t.equal(ok.statusCode, 204);
  t.equal(ok.headers['access-control-allow-origin'], 'https://example.com');
  t.match(String(ok.headers['access-control-allow-headers']), /authorization/);
  const evil = await preflight('https://evilexample.com');
  t.notOk(evil.headers['access-control-allow-origin']);
  for (const res of [ok, evil]) t.not(res.headers['access-control-allow-origin'], '*');
});

t.test('unknown site key: 404 site_not_found', async (t) => {
  const res = await askToken(ACME_ORIGIN, 'pk_nobody');
  t.equal(res.statusCode, 404);
  t.equal(res.json().error.code, 'site_not_found');
});

t.test('a chat request from a foreign origin with a valid token: 403, no grant', async (t) => {
  const { token } = (await askToken(ACME_ORIGIN)).json();
  const res = await app.inject({
    method: 'POST',
    url: '/v1/chat',
    headers: { ...bearer(token), origin: 'https://globex.example', 'content-type': 'application/json' },
    payload: { message: { id: 'm1', text: 'hi' } },
  });
  t.equal(res.statusCode, 403);
  t.equal(res.json().error.code, 'origin_not_allowed');
  t.notOk(res.headers['access-control-allow-origin']);
});

t.test('refreshing with the previous token keeps the visitor id (sub)', async (t) => {
  const first = (await askToken(ACME_ORIGIN)).json().token;
  const again = (await askToken(ACME_ORIGIN, 'pk_acme_web', bearer(first))).json().token;
  t.equal(subOf(again), subOf(first));
  t.not(again, first);
  // Expired 5 minutes ago: still proves the visitor inside TOKEN_REFRESH_GRACE_S (one TOKEN_TTL_S).
  const stale = signHs256(
    { iss: 'chat-gateway', aud: 'chat', sub: 'v_returning', tid: 'acme', site: 'acme-web', jti: 'x', iat: now() - 900, exp: now() - 300 },
    JWT_SECRET,
  );
  t.equal(subOf((await askToken(ACME_ORIGIN, 'pk_acme_web', bearer(stale))).json().token), 'v_returning');
  // A forged one is ignored: a fresh anonymous id, not the claimed one.
  const forged = signHs256(
    { iss: 'chat-gateway', aud: 'chat', sub: 'v_victim', tid: 'acme', site: 'acme-web', jti: 'x', iat: now(), exp: now() + 60 },
    'x'.repeat(40),
  );
  t.not(subOf((await askToken(ACME_ORIGIN, 'pk_acme_web', bearer(forged))).json().token), 'v_victim');
  t.not(subOf((await askToken(ACME_ORIGIN)).json().token), subOf(first), 'no token: a new visitor');
});
