/**
 * Must show 1, with real processes (one Redis, one engine, two gateways): a connection cut after
 * N events, then `GET /v1/sessions/:id/stream` with `Last-Event-ID`, yields events N+1 onward
 * exactly once, through the same or the other gateway. The cut does not cancel the turn; an
 * explicit stop (sent to the other gateway) does.
 */
import t from 'tap';
import { startRedis, startService, waitFor } from '../../scripts/testkit/index.js';
import { ENGINE_KEY, fetchToken, startGateway } from './processes.js';
import { chatTurn, lastEvent, openChat } from './sse-client.js';
import { contiguous, ids, openResume, replyText, resume, stopTurn } from './stream-client.js';

const redis = await startRedis();
t.teardown(() => redis.stop());
// Slow tokens, so that the turn is surely mid-stream when the client cuts.
const engine = await startService('engine', { env: { REDIS_URL: redis.url, ENGINE_KEY, EMBEDDED_TOKEN_DELAY_MS: '40', LOG_LEVEL: 'info' } });
t.teardown(() => engine.kill());
const gws = await Promise.all([0, 1].map(() => startGateway({ REDIS_URL: redis.url, ENGINE_URL: engine.url, EVENT_LOG_POLL_MS: '50' })));
t.teardown(() => Promise.all(gws.map((g) => g.kill())));
const [gw1, gw2] = gws as [(typeof gws)[0], (typeof gws)[0]];

const token = await fetchToken(gw1.url);
const first = await chatTurn(gw1.url, token, { message: { id: 'm1', text: "Hi, I'm Jane Doe" } });
const sessionId = (first.events[0]!.ev.data as { sessionId: string }).sessionId;

t.test('event ids: `<turn>-<n>`, contiguous within a turn, growing across turns', async (t) => {
  t.equal(lastEvent(first)!.event, 'done');
  t.ok(contiguous(ids(first.events)), ids(first.events).slice(0, 4).join(' '));
  const second = await chatTurn(gw2.url, token, { sessionId, message: { id: 'm1b', text: 'what do you need?' } });
  t.ok(contiguous(ids(second.events)));
  t.ok(Number(ids(second.events)[0]!.split('-')[0]) > Number(ids(first.events)[0]!.split('-')[0]), 'the next turn has a higher number');
});

for (const [label, via] of [
  ['the same gateway', () => gw1],
  ['the other gateway', () => gw2],
] as const) {
  t.test(`cut after N events, resume through ${label}: N+1 onward exactly once`, async (t) => {
    const msgId = `cut-${label.replace(/\W/g, '')}`;
    const body = { sessionId, message: { id: msgId, text: 'my email is jane@example.com' } };
    let s = await openChat(gw1.url, token, body);
    if (s.status === 409) {
      // The previous turn's `done` reached the resuming client from the log a moment before its
      // relay cleared the running-turn marker: do what the widget does, wait Retry-After, once.
      await s.done;
      t.ok(Number(s.headers['retry-after']) >= 1, 'a 409 says when to retry');
      await new Promise((r) => setTimeout(r, Number(s.headers['retry-after']) * 1000));
      s = await openChat(gw1.url, token, body);
    }
    t.equal(s.status, 200);
    const N = 5;
    await waitFor(() => s.events.length >= N, 10_000, `${N} events`);
    s.abort();
    const cutAt = performance.now();
    const seen = s.events.slice(0, N);
    const lastId = seen.at(-1)!.ev.id!;
    const r = await openResume(via().url, token, sessionId, lastId);
    t.equal(r.status, 200);
    await r.waitForEvent(() => true);
    const gap = performance.now() - cutAt;
    await r.done;
    const all = [...seen, ...r.events];
    t.ok(contiguous(ids(all)), `ids ${ids(all)[0]} … ${ids(all).at(-1)} with no gap and no duplicate`);
    t.equal(r.events[0]!.ev.id!.split('-')[1], String(N + 1), 'the first resumed event is N+1');
    const done = lastEvent(r)!;
    t.equal(done.event, 'done', 'the turn was not cancelled by the cut');
    t.equal(replyText(all), (done.data as { reply: string }).reply, 'tokens before and after the cut make the whole reply');
    t.comment(`figure: first resumed event ${Math.round(gap)} ms after the cut (${label})`);
  });
}

t.test('resuming after the end: nothing missed, the stream ends at once', async (t) => {
  const s = await chatTurn(gw1.url, token, { sessionId, message: { id: 'm-end', text: 'and my phone is +1 555 123 4567' } });
  const r = await resume(gw2.url, token, sessionId, lastEvent(s)!.id);
  t.equal(r.status, 200);
  t.same(r.events, [], 'no events');
  // Without Last-Event-ID and no turn running: also empty.
  const r2 = await resume(gw2.url, token, sessionId);
  t.same(r2.events, []);
  // An old id: everything after it, across turns, in order.
  const all = await resume(gw2.url, token, sessionId, '0-0');
  const list = ids(all.events);
  t.ok(
    list.every((id, i) => i === 0 || id.localeCompare(list[i - 1]!, undefined, { numeric: true }) > 0),
    'ids strictly grow',
  );
  t.equal(lastEvent(all)!.id, lastEvent(s)!.id);
});

t.test('stream and stop follow the ownership rule; a bad Last-Event-ID is a 400', async (t) => {
  const other = await fetchToken(gw1.url);
  const r = await resume(gw1.url, other, sessionId, '1-1');
  t.equal(r.status, 404);
  t.equal(r.json!.error.code, 'session_not_found');
  t.equal((await stopTurn(gw1.url, other, sessionId)).status, 404);
  const bad = await resume(gw1.url, token, sessionId, 'abc');
  t.equal(bad.status, 400);
  t.equal(bad.json!.error.code, 'validation_failed');
  const unauth = await fetch(`${gw1.url}/v1/sessions/${sessionId}/stream`);
  t.equal(unauth.status, 401);
});

t.test('stop sent to the other gateway aborts the turn; the session carries on', async (t) => {
  const s = await openChat(gw1.url, token, { sessionId, message: { id: 'm-stop', text: 'budget is 200 a month' } });
  await s.waitForEvent((ev) => ev.event === 'token');
  const follower = await openResume(gw2.url, token, sessionId, s.events[1]!.ev.id);
  const stopped = await stopTurn(gw2.url, token, sessionId);
  t.same(stopped, { status: 200, body: { stopped: true } });
  const err = await s.waitForEvent((ev) => ev.event === 'error');
  t.match(err.data, { code: 'turn_stopped', retryable: false });
  await s.done;
  await follower.done;
  t.equal(lastEvent(follower)!.event, 'error', 'a follower sees the same end');
  await waitFor(() => /turn aborted/.test(engine.output()), 5000, 'the engine to abort the run');
  t.same(await stopTurn(gw2.url, token, sessionId), { status: 200, body: { stopped: false } }, 'nothing left to stop');
  // The stopped message was not kept: sent again it runs anew.
  let again = await chatTurn(gw1.url, token, { sessionId, message: { id: 'm-stop', text: 'budget is 200 a month' } });
  await waitFor(
    async () => {
      if (again.status !== 409) return true;
      again = await chatTurn(gw1.url, token, { sessionId, message: { id: 'm-stop', text: 'budget is 200 a month' } });
      return false;
    },
    10_000,
    'the engine lock to be released',
  );
  t.equal(lastEvent(again)!.event, 'done');
  const data = again.events.find((e) => e.ev.event === 'data')!.ev.data as { data: Record<string, unknown> };
  t.equal(data.data.budget, 200);
});
