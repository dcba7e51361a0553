/**
 * The admin API through the real app (memory registry): who may do what, tenants, keys, templates
 * (versions, errors by JSON path, unsafe patterns), sites and their effect on tokens, the audit log.
 */
import t from 'tap';
import { ACME_ORIGIN, testApp } from '../helpers.js';

const ADMIN_KEY = 'test-admin-key-0123456789abcdef0123456789';
const { app } = await testApp({ ADMIN_KEY });
t.teardown(() => app.close());

type Json = Record<string, any>;
async function call(method: string, url: string, key: string | undefined, payload?: unknown) {
  const res = await app.inject({
    method: method as 'GET',
    url,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });
  return { status: res.statusCode, body: (res.body ? res.json() : null) as Json, headers: res.headers };
}

const TEMPLATE = {
  assistant: { name: 'Max', language: 'en' },
  greeting: 'Hello!',
  fields: {
    name: { type: 'string', required: true },
    email: { type: 'string', format: 'email', required: true },
    phone: { type: 'string', format: 'phone' },
  },
  complete: 'Thanks {name}!',
};

t.test('without ADMIN_KEY the admin API is not there', async (t) => {
  const { app: off } = await testApp({});
  t.teardown(() => off.close());
  const res = await off.inject({ method: 'GET', url: '/admin/v1/tenants', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  t.equal(res.statusCode, 404);
  t.equal(res.json().error.code, 'not_found');
});

t.test('a missing, malformed or unknown key is 401', async (t) => {
  for (const key of [undefined, 'nope', 'sk_unknown0000000000000000000000000000000']) {
    const r = await call('GET', '/admin/v1/tenants', key);
    t.equal(r.status, 401, String(key));
    t.equal(r.body.error.code, 'unauthorized');
  }
});

t.test('the seeded tenants are there, and the operator manages tenants', async (t) => {
  const list = await call('GET', '/admin/v1/tenants', ADMIN_KEY);
  t.equal(list.status, 200);
  t.ok(
    list.body.items.some((x: Json) => x.id === 'acme'),
    'TENANTS_FILE was imported into the empty registry',
  );

  const created = await call('POST', '/admin/v1/tenants', ADMIN_KEY, { id: 'initech', name: 'Initech', limits: { turnsPerMinute: 7 } });
  t.equal(created.status, 201);
  t.match(created.body, { id: 'initech', name: 'Initech', limits: { turnsPerMinute: 7, sessionsPerHour: 30 }, sites: [], keys: [] });
  t.equal(created.headers['cache-control'], 'no-store');

  const again = await call('POST', '/admin/v1/tenants', ADMIN_KEY, { id: 'initech', name: 'Again' });
  t.equal(again.status, 409);
  t.equal(again.body.error.code, 'already_exists');

  const bad = await call('POST', '/admin/v1/tenants', ADMIN_KEY, { id: 'Bad Id!', name: 'x' });
  t.equal(bad.status, 400);
  t.equal(bad.body.error.code, 'validation_failed');

  const patched = await call('PATCH', '/admin/v1/tenants/initech', ADMIN_KEY, { name: 'Initech Corp' });
  t.equal(patched.body.name, 'Initech Corp');
  t.equal((await call('GET', '/admin/v1/tenants/nobody', ADMIN_KEY)).status, 404);
});

t.test('tenant keys: shown once, scoped to their tenant, 403 on keys and limits, revoked at once', async (t) => {
  await call('POST', '/admin/v1/tenants', ADMIN_KEY, { id: 'tena', name: 'A' });
  await call('POST', '/admin/v1/tenants', ADMIN_KEY, { id: 'tenb', name: 'B' });
  const a = await call('POST', '/admin/v1/tenants/tena/keys', ADMIN_KEY);
  t.equal(a.status, 201);
  t.match(a.body, { id: /^key_[0-9a-f]{12}$/, key: /^sk_[A-Za-z0-9_-]{40,}$/ });
  const keyA = a.body.key as string;

  const view = await call('GET', '/admin/v1/tenants/tena', keyA);
  t.equal(view.status, 200);
  t.same(
    view.body.keys.map((k: Json) => k.id),
    [a.body.id],
  );
  t.notOk(JSON.stringify(view.body).includes(keyA.slice(3)), 'the key itself is never shown again');

  // Another tenant's paths answer as if they did not exist.
  for (const [m, u, p] of [
    ['GET', '/admin/v1/tenants/tenb', undefined],
    ['PATCH', '/admin/v1/tenants/tenb', { name: 'x' }],
    ['GET', '/admin/v1/tenants/tenb/sites', undefined],
    ['PUT', '/admin/v1/tenants/tenb/templates/t1', TEMPLATE],
    ['GET', '/admin/v1/tenants/tenb/audit', undefined],
  ] as const) {
    const r = await call(m, u, keyA, p);
    t.equal(r.status, 404, `${m} ${u}`);
  }
  // Its own keys and limits are the operator's business.
  t.equal((await call('POST', '/admin/v1/tenants/tena/keys', keyA)).status, 403);
  t.equal((await call('DELETE', `/admin/v1/tenants/tena/keys/${a.body.id}`, keyA)).status, 403);
  const limits = await call('PATCH', '/admin/v1/tenants/tena', keyA, { limits: { turnsPerMinute: 1000 } });
  t.equal(limits.status, 403);
  t.equal(limits.body.error.code, 'forbidden');
  t.equal((await call('POST', '/admin/v1/tenants', keyA, { id: 'mine', name: 'x' })).status, 403);
  t.equal((await call('GET', '/admin/v1/tenants', keyA)).status, 403);
  t.equal((await call('PATCH', '/admin/v1/tenants/tena', keyA, { name: 'A2' })).status, 200, 'its name is its own');

  t.equal((await call('DELETE', `/admin/v1/tenants/tena/keys/${a.body.id}`, ADMIN_KEY)).status, 204);
  t.equal((await call('GET', '/admin/v1/tenants/tena', keyA)).status, 401, 'refused once revoked');
});

t.test('templates: versions, errors by JSON path, unsafe patterns refused', async (t) => {
  await call('POST', '/admin/v1/tenants', ADMIN_KEY, { id: 'tpl', name: 'T' });
  const v1 = await call('PUT', '/admin/v1/tenants/tpl/templates/lead', ADMIN_KEY, TEMPLATE);
  t.equal(v1.status, 201);
  t.same(v1.body, { id: 'lead', version: 1 });
  const v2 = await call('PUT', '/admin/v1/tenants/tpl/templates/lead', ADMIN_KEY, { ...TEMPLATE, greeting: 'Hi v2' });
  t.same(v2.body, { id: 'lead', version: 2 });

  t.equal((await call('GET', '/admin/v1/tenants/tpl/templates/lead', ADMIN_KEY)).body.greeting, 'Hi v2');
  const old = await call('GET', '/admin/v1/tenants/tpl/templates/lead?version=1', ADMIN_KEY);
  t.match(old.body, { id: 'lead', version: 1, greeting: 'Hello!' });
  t.equal((await call('GET', '/admin/v1/tenants/tpl/templates/lead?version=9', ADMIN_KEY)).status, 404);
  t.same(
    (await call('GET', '/admin/v1/tenants/tpl/templates', ADMIN_KEY)).body.items.map((x: Json) => [x.id, x.latestVersion]),
    [['lead', 2]],
  );

  const badType = await call('PUT', '/admin/v1/tenants/tpl/templates/lead', ADMIN_KEY, { ...TEMPLATE, fields: { ...TEMPLATE.fields, age: { type: 'numbr' } } });
  t.equal(badType.status, 400);
  t.equal(badType.body.error.code, 'invalid_template');
  t.match(badType.body.error.message, '/fields/age/type');
  t.match(badType.body.error.details, [{ path: '/fields/age/type' }]);

  const badPlaceholder = await call('PUT', '/admin/v1/tenants/tpl/templates/lead', ADMIN_KEY, { ...TEMPLATE, complete: 'Thanks {nmae}' });
  t.match(badPlaceholder.body.error.details, [{ path: '/complete' }]);

  const withId = await call('PUT', '/admin/v1/tenants/tpl/templates/lead', ADMIN_KEY, { ...TEMPLATE, version: 7 });
  t.equal(withId.status, 400);
  t.match(withId.body.error.details, [{ path: '/version' }]);

  const backref = await call('PUT', '/admin/v1/tenants/tpl/templates/lead', ADMIN_KEY, {
    ...TEMPLATE,
    fields: { ...TEMPLATE.fields, code: { type: 'string', pattern: '^(a+)\\1$' } },
  });
  t.equal(backref.status, 400, 'a pattern that needs backtracking is refused');
  t.match(backref.body.error.details, [{ path: '/fields/code/pattern' }]);

  t.same((await call('GET', '/admin/v1/tenants/tpl/templates', ADMIN_KEY)).body.items[0].latestVersion, 2, 'refused saves publish nothing');
});

t.test('sites: a generated site key that works at once; origins and deletion take effect', async (t) => {
  await call('POST', '/admin/v1/tenants', ADMIN_KEY, { id: 'shop', name: 'Shop' });
  await call('PUT', '/admin/v1/tenants/shop/templates/lead', ADMIN_KEY, TEMPLATE);
  const noTpl = await call('POST', '/admin/v1/tenants/shop/sites', ADMIN_KEY, { id: 'web', origins: ['https://shop.example'], template: 'nope' });
  t.equal(noTpl.status, 400);
  const badOrigin = await call('POST', '/admin/v1/tenants/shop/sites', ADMIN_KEY, { id: 'web', origins: ['https://shop.example/'], template: 'lead' });
  t.equal(badOrigin.status, 400);
  t.match(badOrigin.body.error.message, 'origins[0]');

  const site = await call('POST', '/admin/v1/tenants/shop/sites', ADMIN_KEY, { id: 'web', origins: ['https://shop.example'], template: 'lead' });
  t.equal(site.status, 201);
  t.match(site.body, { id: 'web', siteKey: /^pk_[0-9a-f]{24}$/, origins: ['https://shop.example'], template: 'lead' });
  const token = () =>
    app.inject({
      method: 'POST',
      url: '/v1/token',
      headers: { origin: 'https://shop.example', 'content-type': 'application/json' },
      payload: { siteKey: site.body.siteKey },
    });
  t.equal((await token()).statusCode, 200, 'the new site key mints tokens right away');

  const patched = await call('PATCH', '/admin/v1/tenants/shop/sites/web', ADMIN_KEY, { origins: ['https://other.example'] });
  t.same(patched.body.origins, ['https://other.example']);
  const refused = await token();
  t.equal(refused.statusCode, 403);
  t.equal(refused.json().error.code, 'origin_not_allowed');

  t.equal((await call('DELETE', '/admin/v1/tenants/shop/sites/web', ADMIN_KEY)).status, 204);
  t.equal((await token()).statusCode, 404);
  t.equal((await call('GET', '/admin/v1/tenants/shop/sites/web', ADMIN_KEY)).status, 404);
  t.equal((await call('DELETE', '/admin/v1/tenants/shop/sites/web', ADMIN_KEY)).status, 404);
});

t.test('the seeded demo site still works beside the admin API', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/token',
    headers: { origin: ACME_ORIGIN, 'content-type': 'application/json' },
    payload: { siteKey: 'pk_acme_web' },
  });
  t.equal(res.statusCode, 200);
});

t.test('every write is audited with its actor, newest first', async (t) => {
  await call('POST', '/admin/v1/tenants', ADMIN_KEY, { id: 'aud', name: 'Aud' });
  const key = (await call('POST', '/admin/v1/tenants/aud/keys', ADMIN_KEY)).body;
  await call('PUT', '/admin/v1/tenants/aud/templates/lead', key.key, TEMPLATE);
  const log = await call('GET', '/admin/v1/tenants/aud/audit', key.key);
  t.equal(log.status, 200);
  t.match(log.body.items, [
    { actor: key.id, action: 'template.publish', target: 'template:lead@1', at: String },
    { actor: 'admin', action: 'key.create', target: `key:${key.id}` },
    { actor: 'admin', action: 'tenant.create', target: 'tenant:aud' },
  ]);
});

t.test("a site's page gets no CORS grant on the admin API", async (t) => {
  const res = await app.inject({ method: 'GET', url: '/admin/v1/tenants/acme', headers: { origin: ACME_ORIGIN, authorization: `Bearer ${ADMIN_KEY}` } });
  t.equal(res.statusCode, 200);
  t.notOk(res.headers['access-control-allow-origin'], 'no grant: the browser hides the answer from the page');
  const token = await app.inject({
    method: 'POST',
    url: '/v1/token',
    headers: { origin: ACME_ORIGIN, 'content-type': 'application/json' },
    payload: { siteKey: 'pk_acme_web' },
  });
  t.equal(token.headers['access-control-allow-origin'], ACME_ORIGIN, 'while the public API keeps it');
});
