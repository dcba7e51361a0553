/**
 * `GET /admin/v1/whoami`: the console's sign-in learns which tenant a key manages (a tenant key does
 * not say so by itself); the operator's key has no tenant; an unknown or revoked key is a 401.
 */
import t from 'tap';
import { testApp } from '../helpers.js';

const ADMIN_KEY = 'test-admin-key-0123456789abcdef0123456789';
const { app } = await testApp({ ADMIN_KEY });
t.teardown(() => app.close());

const whoami = (key?: string) => app.inject({ method: 'GET', url: '/admin/v1/whoami', headers: key ? { authorization: `Bearer ${key}` } : {} });

t.test('a tenant key names its tenant; the operator has none', async (t) => {
  const created = await app.inject({ method: 'POST', url: '/admin/v1/tenants/acme/keys', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  t.equal(created.statusCode, 201);
  const { id, key } = created.json() as { id: string; key: string };
  const tenant = await whoami(key);
  t.equal(tenant.statusCode, 200);
  t.same(tenant.json(), { actor: id, tenantId: 'acme' }, 'the key id and its tenant');
  t.equal(tenant.headers['cache-control'], 'no-store');
  t.same((await whoami(ADMIN_KEY)).json(), { actor: 'admin', tenantId: null }, 'the operator');

  t.equal(
    (await app.inject({ method: 'DELETE', url: `/admin/v1/tenants/acme/keys/${id}`, headers: { authorization: `Bearer ${ADMIN_KEY}` } })).statusCode,
    204,
  );
  const revoked = await whoami(key);
  t.equal(revoked.statusCode, 401, 'a revoked key');
  t.equal(revoked.json().error.code, 'unauthorized');
  t.equal((await whoami('sk_nobody')).statusCode, 401, 'an unknown key');
  t.equal((await whoami()).statusCode, 401, 'no key');
});
