/**
 * The OpenAPI documents: the public API at /v1/openapi.json and the admin API at
 * /admin/v1/openapi.json, each valid (a real OpenAPI validator), each route of the app in exactly
 * one of them unless hidden on purpose (listed here), answers that match what they document, the
 * Swagger UI pages, and the admin document off with the admin API.
 */
import t, { type Test } from 'tap';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { LightMyRequestResponse, RouteOptions } from 'fastify';
import { EVENT_NAMES } from '@chat/shared';
import { startRedis } from '../../scripts/testkit/index.js';
import { ACME_ORIGIN, testApp } from './helpers.js';
import { startReceiver } from './webhooks/receiver.js';

const ADMIN_KEY = 'test-admin-key-0123456789abcdef0123456789';
// Read at once: Fastify reuses a route's options object for its `/` variant.
const routes: Array<{ method: RouteOptions['method']; url: string }> = [];
const { app } = await testApp({ ADMIN_KEY }, { onRoute: (r) => routes.push({ method: r.method, url: r.url! }) });
t.teardown(() => app.close());

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  security?: unknown[];
};
type Operation = {
  summary?: string;
  tags?: string[];
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  description?: string;
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
};

const publicDoc = (await app.inject('/v1/openapi.json')).json() as Doc;
const adminDoc = (await app.inject('/admin/v1/openapi.json')).json() as Doc;

/** Routes left out of both documents on purpose: not API, or the documents themselves. */
// (`${p}/` answers too: Fastify adds that variant of a prefixed `/` route without an onRoute call.)
const swaggerUi = (p: string) => [
  `GET ${p}`,
  `GET ${p}/json`,
  `GET ${p}/yaml`,
  `GET ${p}/static/index.html`,
  `GET ${p}/static/swagger-initializer.js`,
  `GET ${p}/static/*`,
];
const HIDDEN = [
  'OPTIONS *', // CORS preflights (@fastify/cors)
  'GET /', // the demo page
  'GET /widget.js', // the widget bundle
  'GET /console', // the console's page
  'GET /console.js', // and its bundle
  'GET /v1/openapi.json',
  ...swaggerUi('/v1/docs'),
  'GET /admin/v1/openapi.json',
  ...swaggerUi('/admin/v1/docs'),
];

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const operations = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => METHODS.includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
/** `/v1/sessions/:id` as OpenAPI writes it. */
const openapiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
/** Every route the app registered, one entry per method; HEAD routes are Fastify's copies of GET. */
const registered = [
  ...new Set(routes.flatMap((r) => (Array.isArray(r.method) ? r.method : [r.method]).filter((m) => m !== 'HEAD').map((m) => `${m} ${r.url}`))),
];

t.test('both documents are valid OpenAPI 3.1 (swagger-parser)', async (t) => {
  for (const [name, doc] of [
    ['public', publicDoc],
    ['admin', adminDoc],
  ] as const) {
    t.equal(doc.openapi, '3.1.0', name);
    // validate() dereferences in place: give it a copy.
    await t.resolves(SwaggerParser.validate(structuredClone(doc) as never), `${name} document is valid`);
  }
  t.ok(publicDoc.components.schemas.ErrorBody && adminDoc.components.schemas.ErrorBody, 'the error body is a component of both');
  for (const name of ['TokenResponse', 'SessionView', 'CloseResponse', 'StopResponse']) t.ok(publicDoc.components.schemas[name], `public component ${name}`);
  for (const name of [
    'TenantView',
    'SiteView',
    'TemplateSaved',
    'Template',
    'Submission',
    'SubmissionPage',
    'WebhookView',
    'DeliveryView',
    'AuditEntry',
    'KeyCreated',
  ])
    t.ok(adminDoc.components.schemas[name], `admin component ${name}`);
});

t.test('every registered route is in exactly one document, or hidden on purpose', async (t) => {
  const pub = new Set(operations(publicDoc));
  const adm = new Set(operations(adminDoc));
  for (const own of ['GET /v1/openapi.json', 'GET /v1/docs', 'GET /admin/v1/openapi.json', 'GET /admin/v1/docs', 'OPTIONS *'])
    t.ok(registered.includes(own), `${own} is served`);
  for (const route of registered) {
    if (HIDDEN.includes(route)) {
      const [m, u] = route.split(' ');
      t.notOk(pub.has(`${m} ${openapiPath(u!)}`) || adm.has(`${m} ${openapiPath(u!)}`), `${route} is hidden`);
      continue;
    }
    const [method, url] = route.split(' ') as [string, string];
    const op = `${method} ${openapiPath(url)}`;
    t.equal(Number(pub.has(op)) + Number(adm.has(op)), 1, `${route} is in exactly one document`);
    if (url.startsWith('/admin/v1/')) t.ok(adm.has(op), `${route} is in the admin document`);
  }
  // And nothing is documented that the app does not serve.
  const served = new Set(registered.map((r) => `${r.split(' ')[0]} ${openapiPath(r.split(' ')[1]!)}`));
  for (const op of [...pub, ...adm]) t.ok(served.has(op), `${op} is served`);
  t.ok(pub.size >= 9 && adm.size >= 26, `${pub.size} public and ${adm.size} admin operations`);
});

t.test('every operation has a summary, tags, an id, a success answer and error answers of the shared error body', async (t) => {
  const ids = new Set<string>();
  for (const [name, doc] of [
    ['public', publicDoc],
    ['admin', adminDoc],
  ] as const)
    for (const [path, item] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(item)) {
        const at = `${name} ${method.toUpperCase()} ${path}`;
        t.ok(op.summary, `${at}: summary`);
        t.ok(op.tags?.length, `${at}: tags`);
        t.ok(op.operationId && !ids.has(op.operationId), `${at}: a unique operationId`);
        ids.add(op.operationId!);
        const codes = Object.keys(op.responses);
        t.ok(
          codes.some((c) => /^2\d\d$/.test(c)),
          `${at}: a success answer`,
        );
        for (const c of codes.filter((c) => Number(c) >= 400)) {
          const schema = op.responses[c]!.content?.['application/json']?.schema as { $ref?: string; anyOf?: Array<{ $ref?: string }> } | undefined;
          const refs = schema?.$ref ? [schema.$ref] : (schema?.anyOf ?? []).map((s) => s.$ref);
          t.ok(refs.includes('#/components/schemas/ErrorBody'), `${at} ${c}: the error body`);
        }
      }
});

t.test('security: bearer JWT for visitor routes, bearer key for the admin API', async (t) => {
  t.match(publicDoc.components.securitySchemes.visitorToken, { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const [path, method] of [
    ['/v1/chat', 'post'],
    ['/v1/sessions/{id}', 'get'],
    ['/v1/sessions/{id}/close', 'post'],
    ['/v1/sessions/{id}/stream', 'get'],
    ['/v1/sessions/{id}/stop', 'post'],
  ] as const)
    t.same(publicDoc.paths[path]![method]!.security, [{ visitorToken: [] }], `${method} ${path} needs a visitor token`);
  t.same(publicDoc.paths['/v1/token']!.post!.security, [{}, { visitorToken: [] }], 'a previous token is optional for /v1/token');
  t.same(publicDoc.paths['/healthz']!.get!.security, [], 'health needs nothing');
  t.match(adminDoc.components.securitySchemes.adminKey, { type: 'http', scheme: 'bearer' });
  t.same(adminDoc.security, [{ adminKey: [] }], 'every admin operation needs a key');
});

t.test('the SSE routes answer text/event-stream and name every event', async (t) => {
  for (const [path, method] of [
    ['/v1/chat', 'post'],
    ['/v1/sessions/{id}/stream', 'get'],
  ] as const) {
    const ok = publicDoc.paths[path]![method]!.responses['200']!;
    t.ok(ok.content?.['text/event-stream'], `${path}: text/event-stream`);
    t.notOk(ok.content?.['application/json'], `${path}: not JSON`);
    for (const name of EVENT_NAMES) t.match(ok.description, `\`${name}\``, `${path} names the ${name} event`);
  }
});

// ---- the answers are what the documents say ----

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020, formats: string[]) => Ajv2020;
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }), ['date-time']);
ajv.addSchema(publicDoc, 'public');
ajv.addSchema(adminDoc, 'admin');
const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/** The answer's status is documented for its operation and its JSON body matches that schema. */
function conforms(t: Test, doc: 'public' | 'admin', method: string, path: string, res: LightMyRequestResponse) {
  const at = `${method} ${path} ${res.statusCode}`;
  const responses = (doc === 'public' ? publicDoc : adminDoc).paths[path]?.[method.toLowerCase()]?.responses;
  const documented = responses?.[String(res.statusCode)];
  if (!t.ok(documented, `${at} is documented`)) return;
  if (res.statusCode === 204) return t.equal(res.body, '', `${at}: no body`);
  const type = String(res.headers['content-type']).split(';')[0]!;
  if (!t.ok(documented!.content?.[type], `${at}: ${type} is documented`) || type !== 'application/json') return;
  const validate = ajv.getSchema(`${doc}#/${pointer('paths', path, method.toLowerCase(), 'responses', String(res.statusCode), 'content', type, 'schema')}`)!;
  t.ok(validate(res.json()), `${at}: the body matches its schema ${JSON.stringify(validate.errors ?? [])}`);
}

const admin = (method: string, url: string, payload?: unknown) =>
  app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });

t.test('public answers match the public document', async (t) => {
  conforms(t, 'public', 'GET', '/healthz', await app.inject('/healthz'));
  conforms(t, 'public', 'GET', '/readyz', await app.inject('/readyz')); // 503: no engine listens
  conforms(t, 'public', 'GET', '/metrics', await app.inject('/metrics'));
  const token = await app.inject({ method: 'POST', url: '/v1/token', headers: { origin: ACME_ORIGIN }, payload: { siteKey: 'pk_acme_web' } });
  t.equal(token.statusCode, 200);
  t.same(Object.keys(token.json()).sort(), ['expiresAt', 'maxMessageChars', 'token'], 'nothing added, nothing dropped');
  t.equal(token.json().maxMessageChars, 4000, "the gateway's MAX_MESSAGE_CHARS (its default), for the widget's composer");
  conforms(t, 'public', 'POST', '/v1/token', token);
  conforms(
    t,
    'public',
    'POST',
    '/v1/token',
    await app.inject({ method: 'POST', url: '/v1/token', headers: { origin: ACME_ORIGIN }, payload: { siteKey: 'pk_nope' } }),
  );
  conforms(
    t,
    'public',
    'POST',
    '/v1/token',
    await app.inject({ method: 'POST', url: '/v1/token', headers: { origin: 'https://evil.example' }, payload: { siteKey: 'pk_acme_web' } }),
  );
  conforms(
    t,
    'public',
    'POST',
    '/v1/token',
    await app.inject({ method: 'POST', url: '/v1/token', headers: { origin: ACME_ORIGIN, 'content-type': 'application/json' }, payload: '{' }),
  );
  const bearer = { authorization: `Bearer ${token.json().token}` };
  const sid = 'AAAAAAAAAAAAAAAAAAAAAA';
  conforms(t, 'public', 'GET', '/v1/sessions/{id}', await app.inject({ url: `/v1/sessions/${sid}`, headers: bearer }));
  conforms(t, 'public', 'GET', '/v1/sessions/{id}', await app.inject({ url: `/v1/sessions/${sid}` }));
  conforms(t, 'public', 'GET', '/v1/sessions/{id}/stream', await app.inject({ url: `/v1/sessions/${sid}/stream?lastEventId=x`, headers: bearer }));
  conforms(t, 'public', 'POST', '/v1/sessions/{id}/stop', await app.inject({ method: 'POST', url: `/v1/sessions/${sid}/stop`, headers: bearer }));
  conforms(t, 'public', 'POST', '/v1/sessions/{id}/close', await app.inject({ method: 'POST', url: `/v1/sessions/${sid}/close`, headers: bearer }));
  const long = await app.inject({
    method: 'POST',
    url: '/v1/chat',
    headers: { ...bearer, origin: ACME_ORIGIN },
    payload: { message: { id: 'm1', text: 'x'.repeat(100_000) } },
  });
  conforms(t, 'public', 'POST', '/v1/chat', long);
  // No engine listens: the first turn fails before its stream, as JSON.
  const down = await app.inject({
    method: 'POST',
    url: '/v1/chat',
    headers: { ...bearer, origin: ACME_ORIGIN },
    payload: { message: { id: 'm1', text: 'hi' } },
  });
  t.equal(down.statusCode, 503);
  conforms(t, 'public', 'POST', '/v1/chat', down);
});

t.test('admin answers match the admin document, with nothing dropped', async (t) => {
  const p = '/admin/v1/tenants';
  conforms(t, 'admin', 'GET', p, await admin('GET', p));
  conforms(t, 'admin', 'GET', p, await app.inject(p)); // 401
  const created = await admin('POST', p, { id: 'docs-co', name: 'Docs Co' });
  conforms(t, 'admin', 'POST', p, created);
  t.same(Object.keys(created.json()).sort(), ['createdAt', 'id', 'keys', 'limits', 'name', 'sites', 'templates', 'updatedAt', 'webhook']);
  conforms(t, 'admin', 'POST', p, await admin('POST', p, { id: 'docs-co', name: 'Again' })); // 409
  conforms(t, 'admin', 'GET', `${p}/{tid}`, await admin('GET', `${p}/docs-co`));
  conforms(t, 'admin', 'GET', `${p}/{tid}`, await admin('GET', `${p}/nope`)); // 404
  conforms(t, 'admin', 'PATCH', `${p}/{tid}`, await admin('PATCH', `${p}/docs-co`, { name: 'Docs Company' }));
  conforms(t, 'admin', 'PATCH', `${p}/{tid}`, await admin('PATCH', `${p}/docs-co`, {})); // 400

  const key = await admin('POST', `${p}/docs-co/keys`);
  conforms(t, 'admin', 'POST', `${p}/{tid}/keys`, key);
  const tenantKey = key.json().key as string;
  const asTenant = await app.inject({ method: 'DELETE', url: `${p}/docs-co`, headers: { authorization: `Bearer ${tenantKey}` } });
  conforms(t, 'admin', 'DELETE', `${p}/{tid}`, asTenant); // 403

  const template = {
    greeting: 'Hi',
    fields: { email: { type: 'string', format: 'email', required: true }, budget: { type: 'integer', minimum: 1 } },
    contextKeys: ['url'],
  };
  conforms(t, 'admin', 'PUT', `${p}/{tid}/templates/{templateId}`, await admin('PUT', `${p}/docs-co/templates/lead`, template));
  conforms(t, 'admin', 'PUT', `${p}/{tid}/templates/{templateId}`, await admin('PUT', `${p}/docs-co/templates/lead`, { fields: {} })); // 400
  const got = await admin('GET', `${p}/docs-co/templates/lead`);
  conforms(t, 'admin', 'GET', `${p}/{tid}/templates/{templateId}`, got);
  t.same(got.json(), { ...template, id: 'lead', version: 1 }, 'the template comes back whole');
  conforms(t, 'admin', 'GET', `${p}/{tid}/templates`, await admin('GET', `${p}/docs-co/templates`));

  const site = await admin('POST', `${p}/docs-co/sites`, { id: 'web', origins: ['https://docs.example'], template: 'lead', allowedContext: ['plan'] });
  conforms(t, 'admin', 'POST', `${p}/{tid}/sites`, site);
  t.same(Object.keys(site.json()).sort(), ['allowedContext', 'createdAt', 'id', 'origins', 'siteKey', 'template', 'updatedAt']);
  conforms(t, 'admin', 'GET', `${p}/{tid}/sites`, await admin('GET', `${p}/docs-co/sites`));
  conforms(t, 'admin', 'GET', `${p}/{tid}/sites/{siteId}`, await admin('GET', `${p}/docs-co/sites/web`));
  conforms(
    t,
    'admin',
    'PATCH',
    `${p}/{tid}/sites/{siteId}`,
    await admin('PATCH', `${p}/docs-co/sites/web`, { origins: ['https://docs.example', 'https://www.docs.example'] }),
  );

  // A receiver on this machine (the operator allows the private network; nothing is delivered here).
  const hook = await admin('PUT', `${p}/docs-co/webhook`, { url: 'http://127.0.0.1:9/leads', allowPrivateNetwork: true });
  conforms(t, 'admin', 'PUT', `${p}/{tid}/webhook`, hook);
  t.match(
    hook.json(),
    { url: 'http://127.0.0.1:9/leads', events: ['session.completed', 'session.updated', 'session.abandoned'], secret: /^whsec_/ },
    'the first save shows the secret',
  );
  conforms(t, 'admin', 'GET', `${p}/{tid}/webhook`, await admin('GET', `${p}/docs-co/webhook`));
  const rotated = await admin('POST', `${p}/docs-co/webhook/rotate-secret`);
  conforms(t, 'admin', 'POST', `${p}/{tid}/webhook/rotate-secret`, rotated);
  t.ok(rotated.json().secret, 'rotation shows the new secret');
  conforms(t, 'admin', 'GET', `${p}/{tid}/webhook/deliveries`, await admin('GET', `${p}/docs-co/webhook/deliveries`)); // 503 without Redis
  const refused = await admin('PUT', `${p}/docs-co/webhook`, { url: 'ftp://hooks.docs.example/x' });
  t.equal(refused.json().error?.code, 'invalid_webhook_url');
  conforms(t, 'admin', 'PUT', `${p}/{tid}/webhook`, refused);

  conforms(t, 'admin', 'GET', `${p}/{tid}/submissions`, await admin('GET', `${p}/docs-co/submissions?limit=5`));
  conforms(t, 'admin', 'GET', `${p}/{tid}/submissions/export`, await admin('GET', `${p}/docs-co/submissions/export?format=ndjson`));
  conforms(t, 'admin', 'GET', `${p}/{tid}/submissions/{id}`, await admin('GET', `${p}/docs-co/submissions/sub_0000000000000000000000`));
  conforms(t, 'admin', 'DELETE', `${p}/{tid}/submissions/{id}`, await admin('DELETE', `${p}/docs-co/submissions/sub_0000000000000000000000`));

  const audit = await admin('GET', `${p}/docs-co/audit?limit=50`);
  conforms(t, 'admin', 'GET', `${p}/{tid}/audit`, audit);
  t.ok(audit.json().items.length >= 5, 'the audit log has the changes above');
  t.same(Object.keys(audit.json().items[0]).sort(), ['action', 'actor', 'at', 'id', 'target']);

  conforms(t, 'admin', 'DELETE', `${p}/{tid}/webhook`, await admin('DELETE', `${p}/docs-co/webhook`));
  conforms(t, 'admin', 'DELETE', `${p}/{tid}/sites/{siteId}`, await admin('DELETE', `${p}/docs-co/sites/web`));
  conforms(t, 'admin', 'DELETE', `${p}/{tid}/keys/{keyId}`, await admin('DELETE', `${p}/docs-co/keys/${key.json().id}`));
  conforms(t, 'admin', 'DELETE', `${p}/{tid}`, await admin('DELETE', `${p}/docs-co`));
});

t.test('with Redis: the webhook test ping and the delivery history match, nothing dropped', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const receiver = await startReceiver((_r, n) => (n === 1 ? 200 : 500));
  t.teardown(() => receiver.close());
  const { app: withRedis } = await testApp({ ADMIN_KEY, REDIS_URL: redis.url });
  t.teardown(() => withRedis.close());
  const call = (method: string, url: string, payload?: unknown) =>
    withRedis.inject({
      method: method as 'GET',
      url: `/admin/v1/tenants${url}`,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
    });
  t.equal((await call('PUT', '/acme/webhook', { url: receiver.url, allowPrivateNetwork: true })).statusCode, 200);
  const ok = await call('POST', '/acme/webhook/test');
  conforms(t, 'admin', 'POST', '/admin/v1/tenants/{tid}/webhook/test', ok);
  t.same(ok.json(), { delivered: true, status: 200 });
  const failed = await call('POST', '/acme/webhook/test');
  t.same(failed.json(), { delivered: false, status: 500, error: 'HTTP 500' });
  const deliveries = await call('GET', '/acme/webhook/deliveries');
  conforms(t, 'admin', 'GET', '/admin/v1/tenants/{tid}/webhook/deliveries', deliveries);
  const items = deliveries.json().items as Array<Record<string, unknown>>;
  t.equal(items.length, 2);
  t.same(
    Object.keys(items[0]!).sort(),
    ['attempts', 'createdAt', 'id', 'lastAttemptAt', 'lastError', 'lastStatus', 'status', 'type'],
    'every field of the failed ping',
  );
  t.match(items[0], { type: 'ping', status: 'failed', lastStatus: 500, attempts: 1 });
});

// ---- the pages ----

t.test('the docs pages are HTML with their assets served locally; the admin ones need no key', async (t) => {
  for (const page of ['/v1/docs', '/v1/docs/', '/admin/v1/docs', '/admin/v1/docs/']) {
    const res = await app.inject(page);
    t.equal(res.statusCode, 200, page);
    t.match(res.headers['content-type'], /^text\/html/, `${page} is HTML`);
    t.notMatch(res.body, /https?:\/\//, `${page} loads nothing from another host`);
  }
  for (const asset of ['/v1/docs/static/swagger-ui-bundle.js', '/admin/v1/docs/static/swagger-ui-bundle.js', '/admin/v1/docs/static/swagger-initializer.js']) {
    const res = await app.inject(asset);
    t.equal(res.statusCode, 200, asset);
    t.match(res.headers['content-type'], /javascript/, `${asset} is JavaScript`);
  }
  const doc = await app.inject('/admin/v1/docs/json');
  t.equal(doc.statusCode, 200);
  t.same(doc.json().paths, adminDoc.paths, 'the page reads the same admin document');
  t.same((await app.inject('/v1/docs/json')).json().paths, publicDoc.paths, 'and the public page the public one');
  t.equal((await app.inject('/admin/v1/openapi.json')).headers['cache-control'], 'no-store', 'admin answers stay no-store');
  t.equal((await app.inject('/admin/v1/tenants')).statusCode, 401, 'the rest of the admin API still needs a key');
});

t.test('without ADMIN_KEY the admin document and page are 404 like the rest of the admin API', async (t) => {
  const { app: off } = await testApp({});
  t.teardown(() => off.close());
  for (const url of ['/admin/v1/openapi.json', '/admin/v1/docs', '/admin/v1/docs/json', '/admin/v1/docs/static/swagger-ui-bundle.js']) {
    const res = await off.inject(url);
    t.equal(res.statusCode, 404, url);
    t.equal(res.json().error.code, 'not_found', url);
  }
  const pub = await off.inject('/v1/openapi.json');
  t.equal(pub.statusCode, 200, 'the public document is there');
  t.same(Object.keys(pub.json().paths), Object.keys(publicDoc.paths), 'the same public operations');
});

t.test('a draining replica answers readyz with the error body, as before the schemas', async (t) => {
  const { app: draining } = await testApp({});
  t.teardown(() => draining.close());
  await draining.drain(1000);
  const res = await draining.inject('/readyz');
  t.equal(res.statusCode, 503);
  t.same(res.json(), { error: { code: 'shutting_down', message: 'The server is restarting; retry shortly.' } });
  conforms(t, 'public', 'GET', '/readyz', res);
  t.equal((await draining.inject('/healthz')).statusCode, 200, 'liveness still answers');
});
