/**
 * Token lifetimes: a refresh chain keeps its original issue time (`oiat`) and ends TOKEN_MAX_LIFETIME_S
 * after it; the refresh grace after expiry is one token lifetime at most; a customer token issued in
 * the future, or living longer than TOKEN_MAX_AGE_S, is refused.
 */
import t from 'tap';
import { ACME_ORIGIN, JWT_SECRET, bearer, customerClaims, identitySecret, now, signHs256, testApp } from './helpers.js';

const { app, config } = await testApp();
t.teardown(() => app.close());

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string; iat: number; exp: number; oiat?: number };
const refresh = async (previous?: string) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/token',
    headers: { origin: ACME_ORIGIN, 'content-type': 'application/json', ...(previous ? bearer(previous) : {}) },
    payload: { siteKey: 'pk_acme_web' },
  });
  t.equal(res.statusCode, 200);
  return res.json().token as string;
};
const platform = (sub: string, c: object) => signHs256({ iss: 'chat-gateway', aud: 'chat', sub, tid: 'acme', site: 'acme-web', jti: 'j', ...c }, JWT_SECRET);

t.test('defaults: the grace is one token lifetime, a chain lives a day', async (t) => {
  t.equal(config.tokenRefreshGraceS, config.tokenTtlS);
  t.equal(config.tokenMaxLifetimeS, 86400);
});

t.test('a refreshed token keeps the original issue time; the chain ends at TOKEN_MAX_LIFETIME_S', async (t) => {
  const first = claimsOf(await refresh());
  t.equal(first.oiat, first.iat, 'the first token starts the chain');
  const again = claimsOf(await refresh(await refresh()));
  t.ok(again.oiat! >= first.oiat! && again.oiat! <= again.iat);
  // A chain started 23 h 58 min ago: the next token expires with the chain, not TOKEN_TTL_S later.
  const oiat = now() - 86400 + 120;
  const late = claimsOf(await refresh(platform('v_late', { iat: now() - 60, exp: now() + 540, oiat })));
  t.equal(late.sub, 'v_late', 'still the same visitor');
  t.equal(late.oiat, oiat, 'the original issue time is carried');
  t.ok(late.exp <= oiat + 86400, `expires with the chain (${late.exp - now()} s left)`);
  // A chain older than TOKEN_MAX_LIFETIME_S (its token still valid): a new visitor.
  const over = claimsOf(await refresh(platform('v_over', { iat: now() - 60, exp: now() + 540, oiat: now() - 86400 - 10 })));
  t.not(over.sub, 'v_over', 'a chain cannot outlive TOKEN_MAX_LIFETIME_S');
  // An old token without oiat starts its chain at its own iat; refreshing every 10 min for a day cannot go on.
  const legacy = claimsOf(await refresh(platform('v_legacy', { iat: now() - 86400 - 5, exp: now() + 300 })));
  t.not(legacy.sub, 'v_legacy');
});

t.test('the refresh grace after expiry is at most TOKEN_TTL_S', async (t) => {
  const inside = claimsOf(await refresh(platform('v_recent', { iat: now() - 900, exp: now() - 300 })));
  t.equal(inside.sub, 'v_recent', 'expired 5 min ago: inside the grace');
  const outside = claimsOf(await refresh(platform('v_gone', { iat: now() - 1300, exp: now() - 700 })));
  t.not(outside.sub, 'v_gone', 'expired 11 min ago (TOKEN_TTL_S 600): a new visitor');
  const dayOld = claimsOf(await refresh(platform('v_dayold', { iat: now() - 80000, exp: now() - 79400 })));
  t.not(dayOld.sub, 'v_dayold');
});

t.test('configuration: the grace cannot exceed TOKEN_TTL_S; the chain cannot be shorter than a token', async (t) => {
  const { loadConfig } = await import('../src/config.js');
  t.throws(() => loadConfig({ TOKEN_REFRESH_GRACE_S: '86400' }), /config TOKEN_REFRESH_GRACE_S: must be between 0 and 600/);
  t.equal(loadConfig({ TOKEN_TTL_S: '900', TOKEN_REFRESH_GRACE_S: '900' }).config.tokenRefreshGraceS, 900);
  t.throws(() => loadConfig({ TOKEN_MAX_LIFETIME_S: '60' }), /config TOKEN_MAX_LIFETIME_S/);
});

const SID = 'AAAAAAAAAAAAAAAAAAAAAA';
const probe = async (token: string) => (await app.inject({ method: 'GET', url: `/v1/sessions/${SID}`, headers: bearer(token) })).statusCode;

t.test('customer tokens: iat in the future or exp - iat over TOKEN_MAX_AGE_S is 401', async (t) => {
  const key = identitySecret('acme');
  t.equal(await probe(signHs256(customerClaims('acme', 'acme-web', 'u1'), key)), 404, 'a good one authenticates');
  t.equal(await probe(signHs256(customerClaims('acme', 'acme-web', 'u1', { iat: now() + 3 }), key)), 404, 'inside the clock tolerance');
  t.equal(await probe(signHs256(customerClaims('acme', 'acme-web', 'u1', { iat: now() + 60, exp: now() + 300 }), key)), 401, 'iat a minute ahead');
  t.equal(await probe(signHs256(customerClaims('acme', 'acme-web', 'u1', { iat: now() + 86000, exp: now() + 86300 }), key)), 401, 'iat a day ahead');
  t.equal(await probe(signHs256(customerClaims('acme', 'acme-web', 'u1', { iat: now(), exp: now() + 86400 + 1 }), key)), 401, 'exp - iat over TOKEN_MAX_AGE_S');
  t.equal(await probe(signHs256(customerClaims('acme', 'acme-web', 'u1', { iat: now() - 10, exp: now() + 365 * 86400 }), key)), 401, 'a year-long token');
  t.equal(await probe(platform('v_future', { iat: now() + 60, exp: now() + 600 })), 401, 'a platform token from the future too');
});
