/**
 * The outbox features the back office relies on, against a real redis-server, the real worker and
 * a local receiver: debounced `session.updated` deliveries, the per-tenant history (`recent`), the
 * test ping, and erasure of a session's deliveries (`forgetSession`).
 */
import t from 'tap';
import { newWebhookSecret, type WebhookConfig } from '../../src/webhooks/config.js';
import { deliveryKey, eventId, historyKey, HISTORY_MAX, OUTBOX, pendingUpdateKey, sessionDeliveriesKey } from '../../src/webhooks/outbox.js';
import { sendPing } from '../../src/webhooks/ping.js';
import { startReceiver } from './receiver.js';
import { startKit, verify } from './outbox-kit.js';

const kit = await startKit();
const rx = await startReceiver(() => 204);
const SECRET = newWebhookSecret();
const webhook: WebhookConfig = {
  url: rx.url,
  secrets: [{ secret: SECRET }],
  allowPrivateNetwork: true,
  events: ['session.completed', 'session.updated', 'session.abandoned'],
};
kit.webhooks.set('acme', webhook);
kit.webhooks.set('globex', { ...webhook });
t.teardown(async () => {
  await kit.close();
  await rx.close();
});

const event = (type: string, sessionId: string, data: object, tenantId = 'acme') =>
  JSON.stringify({ type, timestamp: new Date().toISOString(), data: { sessionId, tenantId, data } });
const upd = (sessionId: string, data: object, tenantId = 'acme') => event('session.updated', sessionId, data, tenantId);
const score = async (id: string) => kit.db.zScore(OUTBOX, id);

t.test('a debounced update: a second one before any attempt replaces the body and moves the due time', async (t) => {
  rx.respond = () => 204;
  const t0 = Date.now();
  const id = await kit.outbox.enqueueUpdate('sess-upd-1', 'acme', upd('sess-upd-1', { email: 'a@x.example' }), 60_000);
  t.match(id, /^msg_[A-Za-z0-9_-]{26}$/);
  const due1 = (await score(id))!;
  t.ok(due1 >= t0 + 60_000 && due1 <= Date.now() + 60_000, 'due after the debounce');
  let rec = (await kit.outbox.record(id))!;
  t.match(rec, { type: 'session.updated', sessionId: 'sess-upd-1', tenantId: 'acme', status: 'pending', attempts: '0' });

  await new Promise((r) => setTimeout(r, 20));
  const id2 = await kit.outbox.enqueueUpdate('sess-upd-1', 'acme', upd('sess-upd-1', { email: 'b@x.example' }), 300);
  t.equal(id2, id, 'the same delivery');
  const due2 = (await score(id))!;
  t.ok(due2 < due1 && due2 <= Date.now() + 300, 'its due time moved to now + the new debounce');
  rec = (await kit.outbox.record(id))!;
  t.match(JSON.parse(rec.body!), { data: { data: { email: 'b@x.example' } } }, 'the newest body');
  t.equal(rec.dueAt, String(due2));
  t.equal(await kit.db.lLen(historyKey('acme')), 1, 'one entry in the history');

  // Nothing is sent before the due time, then exactly one request with the newest body.
  const w = kit.worker();
  await w.tick();
  t.equal(rx.received.filter((r) => r.headers['webhook-id'] === id).length, 0, 'not before its due time');
  await kit.until(w, id, (r) => r.status === 'delivered', 'update delivered');
  const got = rx.received.filter((r) => r.headers['webhook-id'] === id);
  t.equal(got.length, 1, 'one request for the burst');
  t.match(verify(SECRET, got[0]!.headers, got[0]!.body).event, { type: 'session.updated', data: { data: { email: 'b@x.example' } } });

  const id3 = await kit.outbox.enqueueUpdate('sess-upd-1', 'acme', upd('sess-upd-1', { email: 'c@x.example' }), 0);
  t.not(id3, id, 'after delivery a new update gets a new id');
  await kit.until(w, id3, (r) => r.status === 'delivered', 'third delivered');
  t.match(JSON.parse(rx.received.find((r) => r.headers['webhook-id'] === id3)!.body), { data: { data: { email: 'c@x.example' } } });
});

t.test('an update after the pending one was attempted (failed, retrying) gets a new id; both keep their own bodies', async (t) => {
  let fails = 1;
  rx.respond = () => (fails-- > 0 ? 500 : 204);
  const w = kit.worker([60_000]);
  const id = await kit.outbox.enqueueUpdate('sess-upd-2', 'acme', upd('sess-upd-2', { v: 1 }), 0);
  await kit.until(w, id, (r) => r.attempts === '1', 'first attempt failed');
  t.equal((await kit.outbox.record(id))!.status, 'pending', 'waiting for its retry');
  const id2 = await kit.outbox.enqueueUpdate('sess-upd-2', 'acme', upd('sess-upd-2', { v: 2 }), 0);
  t.not(id2, id, 'a new delivery');
  t.match(JSON.parse((await kit.outbox.record(id))!.body!), { data: { data: { v: 1 } } }, 'the attempted one keeps the body it was sent with');
  await kit.until(w, id2, (r) => r.status === 'delivered', 'the new one delivered');
  t.match(JSON.parse(rx.received.find((r) => r.headers['webhook-id'] === id2)!.body), { data: { data: { v: 2 } } });
});

t.test('an update whose pending delivery is claimed (attempt in flight) gets a new id', async (t) => {
  const id = await kit.outbox.enqueueUpdate('sess-upd-3', 'acme', upd('sess-upd-3', { v: 1 }), 0);
  const claimed = await kit.outbox.claim(100, 60_000);
  const mine = claimed.find((d) => d.id === id)!;
  t.ok(mine, 'claimed');
  t.equal(mine.sessionId, 'sess-upd-3');
  t.equal((await kit.outbox.record(id))!.attempts, '0', 'no attempt recorded yet');
  const id2 = await kit.outbox.enqueueUpdate('sess-upd-3', 'acme', upd('sess-upd-3', { v: 2 }), 0);
  t.not(id2, id, 'the in-flight one is not changed under the worker');
  t.match(JSON.parse((await kit.outbox.record(id))!.body!), { data: { data: { v: 1 } } });
  t.ok(await kit.outbox.settle(mine, { status: 'delivered', attempts: '1' }), 'the worker still records its outcome');
  const w = kit.worker();
  await kit.until(w, id2, (r) => r.status === 'delivered', 'new one delivered');
});

t.test('recent(): newest first, with status, attempts, statuses, errors, times and the due time while pending', async (t) => {
  rx.respond = (r) => (JSON.parse(r.body).data.sessionId === 'hist-fail' ? 503 : 200);
  const w = kit.worker([60_000]);
  const before = Date.now();
  const done = eventId('hist-ok', 'session.completed');
  await kit.outbox.enqueue(done, 'globex', 'session.completed', event('session.completed', 'hist-ok', { a: 1 }, 'globex'));
  await kit.until(w, done, (r) => r.status === 'delivered', 'delivered');
  const failing = eventId('hist-fail', 'session.abandoned');
  await kit.outbox.enqueue(failing, 'globex', 'session.abandoned', event('session.abandoned', 'hist-fail', {}, 'globex'));
  await kit.until(w, failing, (r) => r.attempts === '1', 'failed once');
  const later = await kit.outbox.enqueueUpdate('hist-ok', 'globex', upd('hist-ok', { a: 2 }, 'globex'), 120_000);
  const dueLater = (await score(later))!;
  const gone = eventId('hist-expired', 'session.completed');
  await kit.outbox.enqueue(gone, 'globex', 'session.completed', event('session.completed', 'hist-expired', {}, 'globex'), Date.now() + 3_600_000);
  await kit.db.del(deliveryKey(gone)); // as if its record had expired

  const list = await kit.outbox.recent('globex');
  t.same(
    list.map((d) => d.id),
    [later, failing, done],
    'newest first; the expired one skipped',
  );
  const [u, f, d] = list;
  t.same(u, {
    id: later,
    type: 'session.updated',
    sessionId: 'hist-ok',
    status: 'pending',
    attempts: 0,
    createdAt: u!.createdAt,
    nextAttemptAt: new Date(dueLater).toISOString(),
  });
  t.match(f, { id: failing, type: 'session.abandoned', sessionId: 'hist-fail', status: 'pending', attempts: 1, lastStatus: 503, lastError: 'HTTP 503' });
  t.ok(Date.parse(f!.nextAttemptAt!) > Date.now() + 30_000, 'the retry time');
  t.ok(Date.parse(f!.lastAttemptAt!) >= before);
  t.match(d, { id: done, type: 'session.completed', sessionId: 'hist-ok', status: 'delivered', attempts: 1, lastStatus: 200 });
  t.notOk('nextAttemptAt' in d!, 'no due time once settled');
  t.notOk('lastError' in d!);
  for (const x of list) t.ok(Date.parse(x.createdAt) >= before - 1000, 'createdAt is an ISO time');
  t.same(
    (await kit.outbox.recent('globex', 2)).map((x) => x.id),
    [later, failing],
    'limit',
  );
  t.same(await kit.outbox.recent('nobody'), [], 'a tenant without deliveries');
});

t.test('the history keeps the last 100 ids per tenant', async (t) => {
  for (let i = 0; i < HISTORY_MAX + 5; i++)
    await kit.outbox.enqueue(
      eventId(`cap-${i}`, 'session.completed'),
      'capped',
      'session.completed',
      event('session.completed', `cap-${i}`, {}, 'capped'),
      Date.now() + 3_600_000,
    );
  t.equal(await kit.db.lLen(historyKey('capped')), HISTORY_MAX);
  const list = await kit.outbox.recent('capped');
  t.equal(list.length, HISTORY_MAX);
  t.equal(list[0]!.sessionId, `cap-${HISTORY_MAX + 4}`);
  t.equal(list.at(-1)!.sessionId, 'cap-5');
  t.ok((await kit.db.ttl(historyKey('capped'))) > 0, 'the list expires with the records');
});

t.test('a test ping answers with the receiver status and is recorded as a settled delivery', async (t) => {
  const tenantId = 'pinged';
  kit.webhooks.set(tenantId, webhook);
  const seen: string[] = [];
  rx.respond = (r) => {
    seen.push(r.body);
    return JSON.parse(r.body).type === 'ping' && seen.length === 1 ? 200 : 500;
  };
  seen.length = 0;
  const ok = await sendPing({ outbox: kit.outbox, tenantId, webhook, timeoutMs: 2000 });
  t.same(ok, { delivered: true, status: 200 });
  const bad = await sendPing({ outbox: kit.outbox, tenantId, webhook, timeoutMs: 2000 });
  t.same(bad, { delivered: false, status: 500, error: 'HTTP 500' });
  const pings = rx.received.filter((r) => JSON.parse(r.body).type === 'ping');
  t.equal(pings.length, 2, 'one request each: not retried');
  const { event: ev } = verify(SECRET, pings[0]!.headers, pings[0]!.body);
  t.match(ev, { type: 'ping', data: { tenantId } });
  t.ok(!Number.isNaN(Date.parse(ev.timestamp)));

  const list = await kit.outbox.recent(tenantId);
  t.equal(list.length, 2);
  t.match(list[0], { id: pings[1]!.headers['webhook-id'], type: 'ping', status: 'failed', attempts: 1, lastStatus: 500, lastError: 'HTTP 500' });
  t.match(list[1], { id: pings[0]!.headers['webhook-id'], type: 'ping', status: 'delivered', attempts: 1, lastStatus: 200 });
  for (const p of list) {
    t.notOk('sessionId' in p);
    t.notOk('nextAttemptAt' in p);
    t.ok(p.lastAttemptAt);
    t.equal(await kit.db.zScore(OUTBOX, p.id), null, 'never in the outbox');
    t.ok((await kit.db.ttl(deliveryKey(p.id))) > 0, 'kept with the retention TTL');
  }
});

t.test('a ping to a refused URL reaches nobody and is recorded as refused', async (t) => {
  const n = rx.received.length;
  const res = await sendPing({
    outbox: kit.outbox,
    tenantId: 'refused-tenant',
    webhook: { ...webhook, url: `http://localhost:${rx.port}/hooks`, allowPrivateNetwork: false },
    timeoutMs: 2000,
  });
  t.match(res, { delivered: false, error: /internal address/ });
  t.notOk('status' in res);
  t.equal(rx.received.length, n, 'not contacted');
  t.match((await kit.outbox.recent('refused-tenant'))[0], { type: 'ping', status: 'refused', lastError: /internal address/ });
});

t.test('forgetSession removes every delivery of the session and leaves no key naming them', async (t) => {
  rx.respond = () => 204;
  const w = kit.worker();
  const sid = 'erase-me-0000001';
  const completed = eventId(sid, 'session.completed');
  await kit.outbox.enqueue(completed, 'acme', 'session.completed', event('session.completed', sid, { email: 'erase@x.example' }));
  await kit.until(w, completed, (r) => r.status === 'delivered', 'completed delivered');
  const u1 = await kit.outbox.enqueueUpdate(sid, 'acme', upd(sid, { email: 'erase2@x.example' }), 0);
  await kit.until(w, u1, (r) => r.status === 'delivered', 'update delivered');
  const u2 = await kit.outbox.enqueueUpdate(sid, 'acme', upd(sid, { email: 'erase3@x.example' }), 3_600_000);
  // Another session of the same tenant is untouched.
  const keep = eventId('keep-me-00000001', 'session.completed');
  await kit.outbox.enqueue(keep, 'acme', 'session.completed', event('session.completed', 'keep-me-00000001', {}), Date.now() + 3_600_000);
  t.same((await kit.db.sMembers(sessionDeliveriesKey(sid))).sort(), [completed, u1, u2].sort(), 'the session index');
  t.ok((await kit.db.ttl(sessionDeliveriesKey(sid))) > 0, 'the index has the retention TTL');
  t.equal(await kit.db.get(pendingUpdateKey(sid)), u2);

  t.equal(await kit.outbox.forgetSession(sid), 3, 'three records deleted');
  const ids = [completed, u1, u2];
  for (const key of await kit.db.keys('*')) {
    t.notOk(key.includes(sid), `no key named after the session: ${key}`);
    const type = await kit.db.type(key);
    const content =
      type === 'zset'
        ? await kit.db.zRange(key, 0, -1)
        : type === 'list'
          ? await kit.db.lRange(key, 0, -1)
          : type === 'set'
            ? await kit.db.sMembers(key)
            : type === 'hash'
              ? Object.entries(await kit.db.hGetAll(key)).flat()
              : [String(await kit.db.get(key))];
    t.notOk(
      content.some((v) => ids.some((id) => v.includes(id)) || v.includes(sid)),
      `${key} holds nothing of that session`,
    );
  }
  t.ok(await kit.outbox.record(keep), 'the other session keeps its delivery');
  t.ok(await kit.db.zScore(OUTBOX, keep));
  t.ok((await kit.outbox.recent('acme')).some((d) => d.id === keep));
  t.equal(await kit.outbox.forgetSession(sid), 0, 'forgetting again is a no-op');
  // A new update after the erasure starts afresh.
  const again = await kit.outbox.enqueueUpdate(sid, 'acme', upd(sid, {}), 3_600_000);
  t.notOk(ids.includes(again));
  await kit.outbox.forgetSession(sid);
});

t.test('an attempt in flight when its session is erased does not bring the record back', async (t) => {
  const sid = 'erase-inflight-01';
  const id = eventId(sid, 'session.completed');
  await kit.outbox.enqueue(id, 'acme', 'session.completed', event('session.completed', sid, {}));
  const d = (await kit.outbox.claim(100, 60_000)).find((x) => x.id === id)!;
  t.ok(d);
  await kit.outbox.forgetSession(sid);
  t.notOk(await kit.outbox.settle(d, { status: 'delivered', attempts: '1' }), 'the settle finds nothing to settle');
  t.equal(await kit.db.exists(deliveryKey(id)), 0, 'no record recreated');
});

t.test('a pending event of a type the webhook no longer subscribes to is dropped, not sent', async (t) => {
  kit.webhooks.set('unsub', { ...webhook, events: ['session.completed'] });
  const n = rx.received.length;
  const id = eventId('unsub-session-01', 'session.abandoned');
  await kit.outbox.enqueue(id, 'unsub', 'session.abandoned', event('session.abandoned', 'unsub-session-01', {}, 'unsub'));
  const rec = await kit.until(kit.worker(), id, (r) => r.status !== 'pending', 'settled');
  t.match(rec, { status: 'failed', lastError: /no longer subscribes to session\.abandoned/ });
  t.equal(rx.received.length, n, 'not contacted');
});
