/**
 * DELETE /v1/sessions/:id: every key the engine keeps for the session goes (checked by scanning
 * the whole keyspace of a real redis-server), idempotent 204, 409 while a turn runs; the same
 * with the in-memory store.
 */
import t from 'tap';
import { createClient } from 'redis';
import { request } from 'undici';
import { startService } from '../../scripts/testkit/index.js';
import { api, ENGINE_KEY, leadIntake, newSessionId, say, startStack } from './helpers.js';

const erase = async (url: string, sid: string, key: string | null = ENGINE_KEY) => {
  const res = await request(`${url}/v1/sessions/${sid}`, { method: 'DELETE', headers: key ? { authorization: `Bearer ${key}` } : {} });
  const body = await res.body.text();
  return { status: res.statusCode, body: body ? JSON.parse(body) : body };
};

t.test('redis: after two turns, DELETE leaves no key of the session', async (t) => {
  const stack = await startStack(1, { EMBEDDED_TOKEN_DELAY_MS: '20' });
  t.teardown(() => stack.stop());
  const r = createClient({ url: stack.redis.url });
  await r.connect();
  t.teardown(() => r.close());
  const url = stack.engines[0]!.url;
  const keysOf = async (needle: string) => {
    const out: string[] = [];
    for await (const batch of r.scanIterator({ MATCH: '*', COUNT: 1000 })) out.push(...batch.filter((k) => k.includes(needle)));
    return out.sort();
  };

  const sid = newSessionId();
  const other = newSessionId();
  await say(url, sid, 'hello', leadIntake);
  await say(url, sid, "I'm Ann Lee, ann@example.com", undefined);
  await say(url, other, 'hello', leadIntake);
  const before = await keysOf(sid);
  t.ok(
    before.some((k) => k.startsWith('tx:')),
    `the transcript is there (${before.length} keys)`,
  );
  t.ok(
    before.some((k) => k.startsWith('lg:')),
    'and the checkpoints',
  );
  const othersBefore = await keysOf(other);

  const anonymous = await erase(url, sid, null);
  t.same([anonymous.status, anonymous.body.error?.code], [401, 'unauthorized'], 'needs the service credential');
  t.same(await keysOf(sid), before, 'which erases nothing');
  t.same(await erase(url, sid), { status: 204, body: '' });
  t.same(await keysOf(sid), [], 'no key in the whole keyspace names the session');
  t.same(await erase(url, sid), { status: 204, body: '' }, 'a second DELETE is 204 too');
  t.same(await keysOf(sid), [], 'and creates nothing');
  t.equal((await api(url, 'GET', `/v1/sessions/${sid}`)).status, 404, 'GET is 404');
  const again = await say(url, sid, 'hello again', undefined);
  t.equal(again.error?.code, 'template_required', 'a turn finds no state');
  t.same(await keysOf(other), othersBefore, "another session's keys are untouched");

  const never = newSessionId();
  t.same(await erase(url, never), { status: 204, body: '' }, 'a session that never existed: 204');
  t.same(await keysOf(never), []);

  t.test('409 while a turn holds the lock; nothing erased', async (t) => {
    const busy = newSessionId();
    await say(url, busy, 'hello', leadIntake);
    const keys = await keysOf(busy);
    const running = say(url, busy, "I'm Bo Chan, and I would like a quote for a pitched roof please", undefined);
    // The turn holds the lock from its first check to its last write; its reply streams slowly.
    for (let i = 0; i < 100 && !(await r.exists(`lock:{${busy}}`)); i++) await new Promise((res) => setTimeout(res, 10));
    const refused = await erase(url, busy);
    t.equal(refused.status, 409);
    t.equal(refused.body.error.code, 'turn_in_progress');
    t.equal((await running).done?.status, 'collecting', 'the turn finishes');
    t.ok((await keysOf(busy)).length >= keys.length, 'its state is kept');
    t.same(await erase(url, busy), { status: 204, body: '' }, 'once it is over, DELETE erases');
    t.same(await keysOf(busy), []);
  });
});

t.test('memory: DELETE erases the checkpoints and the transcript', async (t) => {
  const engine = await startService('engine', { env: { ENGINE_KEY, REDIS_URL: '' } });
  t.teardown(() => engine.kill('SIGTERM'));
  const sid = newSessionId();
  await say(engine.url, sid, 'hello', leadIntake);
  await say(engine.url, sid, "I'm Ann Lee", undefined);
  t.equal((await api(engine.url, 'GET', `/v1/sessions/${sid}`)).body.transcript.length, 4);
  t.same(await erase(engine.url, sid), { status: 204, body: '' });
  t.equal((await api(engine.url, 'GET', `/v1/sessions/${sid}`)).status, 404);
  t.same(await erase(engine.url, sid), { status: 204, body: '' });
  // The id starts afresh: no data, no transcript lines from before.
  const fresh = await say(engine.url, sid, 'hi', leadIntake);
  t.same(fresh.data?.data, {});
  t.equal((await api(engine.url, 'GET', `/v1/sessions/${sid}`)).body.transcript.length, 2);
});
