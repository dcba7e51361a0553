/**
 * One error mapping for both services (@chat/shared/server): the same Fastify refusals (bad JSON,
 * body too large, unsupported media type, a schema violation, an unknown route, a malformed URL)
 * answer the same status and `{error: {code}}` from the engine and the gateway, and both echo a
 * sane caller's x-request-id and replace an unsafe one.
 */
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildApp as buildEngine } from '../../engine/src/app.js';
import { loadConfig as engineConfig } from '../../engine/src/config.js';
import { testApp } from './helpers.js';

const ENGINE_KEY = 'test-engine-key-0123456789abcdef';

const engine = await buildEngine(engineConfig({ ENGINE_KEY, REDIS_URL: '', BODY_LIMIT_BYTES: '1024', LOG_LEVEL: 'silent' }), { logger: false });
const { app: gateway } = await testApp({ BODY_LIMIT_BYTES: '1024' });
await engine.ready();
t.teardown(async () => {
  await engine.close();
  await gateway.close();
});

/** A POST route with a JSON body schema in each service. */
const targets: [string, FastifyInstance, string, Record<string, string>][] = [
  ['engine', engine, '/v1/sessions/s1/turns', { authorization: `Bearer ${ENGINE_KEY}` }],
  ['gateway', gateway, '/v1/token', { origin: 'http://localhost:3000' }],
];

const cases: [string, { payload: string; type?: string }, number, string][] = [
  ['bad JSON', { payload: '{"message":' }, 400, 'invalid_json'],
  ['an empty JSON body', { payload: '' }, 400, 'invalid_json'],
  ['a body over the limit', { payload: JSON.stringify({ pad: 'x'.repeat(2000) }) }, 413, 'payload_too_large'],
  ['a body that is not JSON', { payload: '<hello/>', type: 'application/xml' }, 415, 'unsupported_media_type'],
  ['a body the schema refuses', { payload: JSON.stringify({ nothing: true }) }, 400, 'validation_failed'],
  ['__proto__ in the body', { payload: '{"__proto__":{"x":1}}' }, 400, 'invalid_json'],
];

for (const [what, req, status, code] of cases) {
  t.test(`${what}: ${status} ${code} from both`, async (t) => {
    for (const [name, app, url, headers] of targets) {
      const res = await app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': req.type ?? 'application/json' }, payload: req.payload });
      t.equal(res.statusCode, status, `${name} status`);
      t.equal(res.json().error.code, code, `${name} code`);
      t.match(res.headers['content-type'], /^application\/json/, `${name} answers JSON`);
    }
  });
}

t.test('an unknown route and a malformed URL: the same JSON in both', async (t) => {
  for (const [name, app, , headers] of targets) {
    const nf = await app.inject({ method: 'GET', url: '/no/such/route', headers });
    t.equal(nf.statusCode, 404, `${name} 404`);
    t.same(nf.json(), { error: { code: 'not_found', message: 'No route GET /no/such/route.' } }, name);
    const bad = await app.inject({ method: 'GET', url: '/v1/sessions/%', headers });
    t.equal(bad.statusCode, 400, `${name} malformed URL`);
    t.equal(bad.json().error.code, 'bad_request', name);
  }
});

t.test('request ids: a sane caller id is kept, anything else replaced, in both', async (t) => {
  for (const [name, app] of targets) {
    const kept = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-123' } });
    t.equal(kept.headers['x-request-id'], 'trace-123', `${name} keeps it`);
    const replaced = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\u0001' } });
    t.match(replaced.headers['x-request-id'], /^[0-9a-f-]{36}$/, `${name} replaces it`);
  }
});
