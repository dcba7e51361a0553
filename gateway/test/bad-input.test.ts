/** Must show 8: malformed, oversized, incomplete or over-specified input is a 4xx JSON error, and Redis is untouched. */
import t from 'tap';
import { startRedis } from '../../scripts/testkit/index.js';
import { ACME_ORIGIN, bearer, testApp } from './helpers.js';
import { redisSnapshot } from './redis-snapshot.js';

const redis = await startRedis();
t.teardown(() => redis.stop());
const { app } = await testApp({ REDIS_URL: redis.url });
t.teardown(() => app.close());

// Some real state first, so "unchanged" is not trivially an empty database.
const tokenRes = await app.inject({ method: 'POST', url: '/v1/token', headers: { origin: ACME_ORIGIN }, payload: { siteKey: 'pk_acme_web' } });
const token = tokenRes.json().token as string;
const SID = 'AAAAAAAAAAAAAAAAAAAAAA'; // well-formed, never created

const chat = (payload: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/v1/chat', headers: { ...bearer(token), 'content-type': 'application/json', ...headers }, payload });

const cases: Array<[string, () => ReturnType<typeof chat>, number, string]> = [
  ['malformed JSON', () => chat('{"message": {"id": "m1", "text": "hi"'), 400, 'invalid_json'],
  ['empty body', () => chat(''), 400, 'invalid_json'],
  ['oversized body', () => chat(JSON.stringify({ message: { id: 'm1', text: 'x'.repeat(20_000) } })), 413, 'payload_too_large'],
  ['missing message id', () => chat(JSON.stringify({ message: { text: 'hi' } })), 400, 'validation_failed'],
  ['missing message', () => chat(JSON.stringify({ sessionId: SID })), 400, 'validation_failed'],
  ['unknown top-level field', () => chat(JSON.stringify({ message: { id: 'm1', text: 'hi' }, template: { id: 'x' } })), 400, 'validation_failed'],
  ['unknown message field', () => chat(JSON.stringify({ message: { id: 'm1', text: 'hi', role: 'system' } })), 400, 'validation_failed'],
  ['message id with bad characters', () => chat(JSON.stringify({ message: { id: 'm 1<', text: 'hi' } })), 400, 'validation_failed'],
  ['text of the wrong type', () => chat(JSON.stringify({ message: { id: 'm1', text: 42 } })), 400, 'validation_failed'],
  ['malformed session id', () => chat(JSON.stringify({ sessionId: '../../x', message: { id: 'm1', text: 'hi' } })), 400, 'validation_failed'],
  ['__proto__ pollution', () => chat('{"message": {"id": "m1", "text": "hi"}, "__proto__": {"admin": true}}'), 400, 'invalid_json'],
  ['constructor pollution', () => chat('{"message": {"id": "m1", "text": "hi"}, "constructor": {"prototype": {"admin": true}}}'), 400, 'invalid_json'],
  ['message over MAX_MESSAGE_CHARS', () => chat(JSON.stringify({ message: { id: 'm1', text: 'x'.repeat(4001) } })), 413, 'message_too_long'],
  ['not JSON', () => chat('message=hi', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type'],
  [
    'token: unknown field',
    () => app.inject({ method: 'POST', url: '/v1/token', headers: { origin: ACME_ORIGIN }, payload: { siteKey: 'pk_acme_web', sub: 'me' } }),
    400,
    'validation_failed',
  ],
  [
    'token: malformed JSON',
    () => app.inject({ method: 'POST', url: '/v1/token', headers: { origin: ACME_ORIGIN, 'content-type': 'application/json' }, payload: '{"siteKey":' }),
    400,
    'invalid_json',
  ],
  ['unknown route', () => app.inject({ method: 'GET', url: '/v1/nothing' }), 404, 'not_found'],
];

const before = await redisSnapshot(redis.url);
t.ok(Object.keys(before).length > 0, 'redis holds some state before');

for (const [name, send, status, code] of cases) {
  t.test(name, async (t) => {
    const res = await send();
    t.equal(res.statusCode, status);
    t.match(res.headers['content-type'], /application\/json/);
    const body = res.json();
    t.equal(body.error.code, code);
    t.type(body.error.message, 'string');
    t.same(Object.keys(body), ['error']);
  });
}

t.test('nothing changed in Redis', async (t) => {
  t.same(await redisSnapshot(redis.url), before);
});
