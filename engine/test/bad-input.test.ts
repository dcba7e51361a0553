/**
 * Must show 5: bad input gets its JSON error and the session's Redis state is unchanged.
 */
import t from 'tap';
import { createClient } from 'redis';
import { request } from 'undici';
import { api, ENGINE_KEY, leadIntake, newSessionId, say, startStack, turn } from './helpers.js';

type Snapshot = Record<string, unknown>;

/** Every key with its value (tests only: KEYS is fine on a private test server). */
async function snapshot(url: string): Promise<Snapshot> {
  const c = createClient({ url });
  await c.connect();
  const out: Snapshot = {};
  for (const k of (await c.keys('*')).sort()) {
    const type = await c.type(k);
    out[k] =
      type === 'string'
        ? await c.get(k)
        : type === 'hash'
          ? await c.hGetAll(k)
          : type === 'list'
            ? await c.lRange(k, 0, -1)
            : type === 'zset'
              ? await c.zRange(k, 0, -1)
              : type === 'set'
                ? (await c.sMembers(k)).sort()
                : type;
  }
  await c.close();
  return out;
}

t.test('bad input: JSON errors, state unchanged', async (t) => {
  const stack = await startStack(1, { MAX_MESSAGE_CHARS: '200', BODY_LIMIT_BYTES: '4096' });
  t.teardown(() => stack.stop());
  const url = stack.engines[0]!.url;
  const sid = newSessionId();
  const r = await say(url, sid, "hi, I'm Dana Fox", leadIntake);
  t.equal(r.status, 200);
  const before = await snapshot(stack.redis.url);
  t.ok(Object.keys(before).length > 0);
  const msg = (text = 'hello') => ({ message: { id: 'x1', text } });

  const cases: Array<[string, () => Promise<{ status: number; code?: string }>, number, string]> = [
    [
      'no credential',
      async () => {
        const x = await turn(url, sid, msg(), { key: null });
        return { status: x.status, code: x.error?.code };
      },
      401,
      'unauthorized',
    ],
    [
      'wrong credential',
      async () => {
        const x = await turn(url, sid, msg(), { key: 'nope-nope-nope-nope' });
        return { status: x.status, code: x.error?.code };
      },
      401,
      'unauthorized',
    ],
    [
      'malformed JSON',
      async () => {
        const x = await turn(url, sid, null, { rawBody: '{"message": {' });
        return { status: x.status, code: x.error?.code };
      },
      400,
      'invalid_json',
    ],
    [
      'missing message id',
      async () => {
        const x = await turn(url, sid, { message: { text: 'hi' } });
        return { status: x.status, code: x.error?.code };
      },
      400,
      'validation_failed',
    ],
    [
      'unknown field',
      async () => {
        const x = await turn(url, sid, { ...msg(), admin: true });
        return { status: x.status, code: x.error?.code };
      },
      400,
      'validation_failed',
    ],
    [
      'body over BODY_LIMIT_BYTES',
      async () => {
        const x = await turn(url, sid, msg('y'.repeat(5000)));
        return { status: x.status, code: x.error?.code };
      },
      413,
      'payload_too_large',
    ],
    [
      'not JSON',
      async () => {
        const x = await turn(url, sid, null, { rawBody: '<hello/>', headers: { 'content-type': 'application/xml' } });
        return { status: x.status, code: x.error?.code };
      },
      415,
      'unsupported_media_type',
    ],
    [
      'bad session id',
      async () => {
        const x = await turn(url, 'short', msg());
        return { status: x.status, code: x.error?.code };
      },
      400,
      'validation_failed',
    ],
    [
      'text too long',
      async () => {
        const x = await turn(url, sid, msg('x'.repeat(201)));
        return { status: x.status, code: x.error?.code };
      },
      413,
      'message_too_long',
    ],
    [
      'template on a later turn',
      async () => {
        const x = await turn(url, sid, { ...msg(), template: leadIntake });
        return { status: x.status, code: x.error?.code };
      },
      409,
      'template_already_set',
    ],
    [
      'unknown session GET',
      async () => {
        const x = await api(url, 'GET', `/v1/sessions/${newSessionId()}`);
        return { status: x.status, code: x.body.error?.code };
      },
      404,
      'session_not_found',
    ],
    [
      'unknown session close',
      async () => {
        const x = await api(url, 'POST', `/v1/sessions/${newSessionId()}/close`);
        return { status: x.status, code: x.body.error?.code };
      },
      404,
      'session_not_found',
    ],
    [
      'GET without credential',
      async () => {
        const x = await api(url, 'GET', `/v1/sessions/${sid}`, null);
        return { status: x.status, code: x.body.error?.code };
      },
      401,
      'unauthorized',
    ],
  ];
  for (const [name, run, status, code] of cases) {
    const got = await run();
    t.same(got, { status, code }, name);
  }
  t.same(await snapshot(stack.redis.url), before, 'Redis state unchanged by every refused request');

  const fresh = newSessionId();
  const noTemplate = await turn(url, fresh, msg());
  t.same([noTemplate.status, noTemplate.error?.code], [400, 'template_required'], 'first turn without template');
  const badTemplate = structuredClone(leadIntake) as any;
  badTemplate.fields.email.format = 'emial';
  const bad = await turn(url, fresh, { ...msg(), template: badTemplate });
  t.same([bad.status, bad.error?.code], [400, 'template_invalid']);
  t.match(bad.error?.message, /\/fields\/email\/format/, 'names the bad path');
  t.same(await snapshot(stack.redis.url), before, 'no state for a refused first turn');

  // A held lock (another turn in progress) answers 409 and changes nothing.
  const c = createClient({ url: stack.redis.url });
  await c.connect();
  await c.set(`lock:{${sid}}`, 'someone-else', { expiration: { type: 'PX', value: 5000 } });
  const busy = await turn(url, sid, msg());
  t.same([busy.status, busy.error?.code], [409, 'turn_in_progress']);
  await c.del(`lock:{${sid}}`);
  await c.close();
  t.same(await snapshot(stack.redis.url), before, 'unchanged after the concurrent-turn refusal');

  await api(url, 'POST', `/v1/sessions/${sid}/close`);
  const closedSnap = await snapshot(stack.redis.url);
  const late = await turn(url, sid, msg());
  t.same([late.status, late.error?.code], [409, 'session_closed']);
  t.same(await snapshot(stack.redis.url), closedSnap, 'unchanged after the closed-session refusal');
});

t.test('health checks need no credential; readyz reflects Redis', async (t) => {
  const stack = await startStack(1);
  t.teardown(() => stack.stop());
  const url = stack.engines[0]!.url;
  t.equal((await request(`${url}/healthz`)).statusCode, 200);
  t.equal((await request(`${url}/readyz`)).statusCode, 200);
  await stack.redis.kill();
  const r = await request(`${url}/readyz`);
  t.equal(r.statusCode, 503);
  t.equal(((await r.body.json()) as any).error.code, 'state_unavailable');
  // Redis away: fail fast with the registry's 503, not a hang or a bare 500.
  const down = await request(`${url}/v1/sessions/${newSessionId()}`, { headers: { authorization: `Bearer ${ENGINE_KEY}` } });
  t.equal(down.statusCode, 503);
  t.equal(((await down.body.json()) as any).error.code, 'state_unavailable');
});
