/** Must show 3: every forged, stale or foreign token is a 401 `unauthorized`; the good ones pass. */
import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { createSigner } from 'fast-jwt';
import { JWT_SECRET, bearer, customerClaims, handToken, identitySecret, now, signHs256, testApp } from './helpers.js';

const { app } = await testApp();
t.teardown(() => app.close());

const SID = 'AAAAAAAAAAAAAAAAAAAAAA';
/** A route that needs only a token: a missing session is 404 once authenticated, 401 before. */
const probe = (token: string) => app.inject({ method: 'GET', url: `/v1/sessions/${SID}`, headers: bearer(token) });

const site = app.tenants.bySiteKey.get('pk_acme_web')!;
const platformClaims = (extra: object = {}) => ({
  iss: 'chat-gateway',
  aud: 'chat',
  sub: 'v_visitor1',
  tid: 'acme',
  site: 'acme-web',
  jti: 'j1',
  iat: now(),
  exp: now() + 300,
  ...extra,
});

t.test('good tokens authenticate (then the session is simply not found)', async (t) => {
  const minted = app.mintVisitorToken(site);
  t.equal((await probe(minted.token)).statusCode, 404);
  t.equal((await probe(signHs256(platformClaims(), JWT_SECRET))).statusCode, 404, 'hand-built platform token');
  const customer = signHs256(customerClaims('acme', 'acme-web', 'crm-user-42'), identitySecret('acme'));
  t.equal((await probe(customer)).statusCode, 404, 'customer-minted token with the tenant identitySecret');
  const tolerated = signHs256(platformClaims({ exp: now() - 2 }), JWT_SECRET);
  t.equal((await probe(tolerated)).statusCode, 404, 'expired 2 s ago is inside the 5 s clock tolerance');
});

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

const cases: Array<[string, () => string]> = [
  ['alg: none', () => handToken({ alg: 'none', typ: 'JWT' }, platformClaims(), null)],
  ['alg: none with a signature', () => handToken({ alg: 'none', typ: 'JWT' }, platformClaims(), JWT_SECRET)],
  ['HS256 signed with a public key', () => handToken({ alg: 'HS256', typ: 'JWT' }, platformClaims(), publicPem)],
  [
    'RS256 (an algorithm that is not pinned)',
    () => createSigner({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), algorithm: 'RS256', noTimestamp: true })(platformClaims()),
  ],
  [
    'tampered payload',
    () => {
      const [h, , s] = app.mintVisitorToken(site).token.split('.');
      const forged = Buffer.from(JSON.stringify(platformClaims({ sub: 'v_someone_else' }))).toString('base64url');
      return `${h}.${forged}.${s}`;
    },
  ],
  [
    'tampered tenant',
    () => {
      const [h, p, s] = app.mintVisitorToken(site).token.split('.');
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
      return `${h}.${Buffer.from(JSON.stringify({ ...claims, tid: 'globex', site: 'globex-web' })).toString('base64url')}.${s}`;
    },
  ],
  ['expired', () => signHs256(platformClaims({ iat: now() - 700, exp: now() - 60 }), JWT_SECRET)],
  ['nbf in the future', () => signHs256(platformClaims({ nbf: now() + 120 }), JWT_SECRET)],
  ['wrong aud', () => signHs256(platformClaims({ aud: 'admin' }), JWT_SECRET)],
  ['wrong iss', () => signHs256(platformClaims({ iss: 'someone-else' }), JWT_SECRET)],
  ['platform key with a tenant iss', () => signHs256(platformClaims({ iss: 'acme' }), JWT_SECRET)],
  ["another tenant's identitySecret", () => signHs256(customerClaims('acme', 'acme-web', 'u1'), identitySecret('globex'))],
  ["customer token naming another tenant's site", () => signHs256(customerClaims('globex', 'acme-web', 'u1'), identitySecret('globex'))],
  ['customer token signed with the platform key', () => signHs256(customerClaims('acme', 'acme-web', 'u1'), JWT_SECRET)],
  ['missing jti', () => signHs256(platformClaims({ jti: undefined }), JWT_SECRET)],
  ['missing sub', () => signHs256(platformClaims({ sub: undefined }), JWT_SECRET)],
  ['missing exp', () => signHs256(platformClaims({ exp: undefined }), JWT_SECRET)],
  ['missing iat', () => signHs256(platformClaims({ iat: undefined }), JWT_SECRET)],
  ['missing site (customer)', () => signHs256(customerClaims('acme', 'acme-web', 'u1', { site: undefined }), identitySecret('acme'))],
  ['unknown site', () => signHs256(platformClaims({ site: 'nope' }), JWT_SECRET)],
  [
    'too old (iat beyond TOKEN_MAX_AGE_S)',
    () => signHs256(customerClaims('acme', 'acme-web', 'u1', { iat: now() - 90_000, exp: now() + 60 }), identitySecret('acme')),
  ],
  ['oversized token', () => signHs256(platformClaims({ pad: 'x'.repeat(5000) }), JWT_SECRET)],
  ['not a JWT', () => 'hello'],
];

for (const [name, make] of cases) {
  t.test(`401 for ${name}`, async (t) => {
    const res = await probe(make());
    t.equal(res.statusCode, 401);
    t.equal(res.json().error.code, 'unauthorized');
    t.type(res.json().error.message, 'string');
  });
}

t.test('401 without a token, or with another scheme', async (t) => {
  t.equal((await app.inject({ method: 'GET', url: `/v1/sessions/${SID}` })).statusCode, 401);
  const basic = await app.inject({ method: 'GET', url: `/v1/sessions/${SID}`, headers: { authorization: 'Basic dTpw' } });
  t.equal(basic.statusCode, 401);
  t.equal(basic.json().error.code, 'unauthorized');
});

t.test('the minted token: pinned HS256 and every claim the issue names', async (t) => {
  const minted = app.mintVisitorToken(site);
  const [h, p] = minted.token
    .split('.')
    .slice(0, 2)
    .map((s) => JSON.parse(Buffer.from(s, 'base64url').toString()));
  t.equal(h.alg, 'HS256');
  t.match(p, { iss: 'chat-gateway', aud: 'chat', tid: 'acme', site: 'acme-web', sub: String, jti: String, iat: Number, exp: Number });
  t.equal(p.exp - p.iat, 600, 'TOKEN_TTL_S');
  t.equal(new Date(minted.expiresAt).getTime(), p.exp * 1000);
});
