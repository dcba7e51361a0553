/**
 * Leads end to end, everything real (redis-server, engine, gateway, a webhook receiver, all over
 * sockets), set up only through the admin API: a conversation that gives the required fields is
 * complete at once (one `session.completed`, a complete submission); the optional phone given later
 * is a `session.updated`; the visitor leaving then is not abandoned; a running session keeps its
 * template version; submissions filter, page, export (CSV neutralised, NDJSON) and erase to the last key.
 */
import t from 'tap';
import { createClient } from 'redis';
import { startRedis, startService, waitFor } from '../../../scripts/testkit/index.js';
import { ENGINE_KEY } from '../processes.js';
import { JWT_SECRET } from '../helpers.js';
import { chatTurn, lastEvent } from '../sse-client.js';
import { startReceiver } from '../webhooks/receiver.js';

const ADMIN_KEY = 'leads-admin-key-0123456789abcdef0123456789';
const ORIGIN = 'https://solar.example';
const redis = await startRedis();
const engine = await startService('engine', { env: { REDIS_URL: redis.url, ENGINE_KEY } });
const rx = await startReceiver();
const gw = await startService('gateway', {
  env: {
    JWT_SECRET,
    ENGINE_KEY,
    LOG_LEVEL: 'warn',
    REDIS_URL: redis.url,
    ENGINE_URL: engine.url,
    ADMIN_KEY,
    WEBHOOK_POLL_MS: '50',
    WEBHOOK_UPDATE_DEBOUNCE_MS: '200',
    SESSION_IDLE_S: '3',
  },
});
const db = createClient({ url: redis.url });
await db.connect();
t.teardown(async () => {
  await gw.kill();
  await engine.kill();
  await db.close();
  await rx.close();
  await redis.stop();
});

async function admin(method: string, path: string, body?: unknown, key = ADMIN_KEY) {
  const res = await fetch(`${gw.url}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: text && res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : null,
  };
}

const TEMPLATE = {
  assistant: { name: 'Ava', language: 'en' },
  greeting: 'Hi! I can get you a solar quote in a minute.',
  fields: {
    name: { type: 'string', description: 'full name', required: true },
    email: { type: 'string', format: 'email', required: true },
    phone: { type: 'string', format: 'phone' },
  },
  complete: "Thanks {name}! We'll email {email} within a day.",
};

// Set up a tenant the way an operator and the tenant would. (No assertion before the first subtest:
// tap would take the file for finished while the setup still awaits.)
const expect = <R extends { status: number; text: string }>(r: R, status: number): R => {
  if (r.status !== status) throw new Error(`setup: expected ${status}, got ${r.status} ${r.text}`);
  return r;
};
expect(await admin('POST', '/tenants', { id: 'sunny', name: 'Sunny Solar' }), 201);
const tenantKey = expect(await admin('POST', '/tenants/sunny/keys'), 201).body.key as string;
expect(await admin('PUT', '/tenants/sunny/templates/lead', TEMPLATE, tenantKey), 201);
const site = expect(
  await admin('POST', '/tenants/sunny/sites', { id: 'web', origins: [ORIGIN], template: 'lead', allowedContext: ['plan'] }, tenantKey),
  201,
).body;
const other = expect(
  await admin('POST', '/tenants/sunny/sites', { id: 'blog', origins: ['https://blog.solar.example'], template: 'lead' }, tenantKey),
  201,
).body;
// A receiver on this machine: only the operator may allow a private address.
const tenantTry = await admin('PUT', '/tenants/sunny/webhook', { url: rx.url, allowPrivateNetwork: true }, tenantKey);
const hook = expect(await admin('PUT', '/tenants/sunny/webhook', { url: rx.url, allowPrivateNetwork: true }), 200);

t.test("the webhook: a private receiver only with the operator's leave; the secret shown on creation", async (t) => {
  t.equal(tenantTry.status, 403);
  t.match(hook.body, { url: rx.url, events: ['session.completed', 'session.updated', 'session.abandoned'], secret: /^whsec_/ });
});

async function visitorToken(siteKey: string, origin: string) {
  const res = await fetch(`${gw.url}/v1/token`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ siteKey }) });
  return ((await res.json()) as { token: string }).token;
}

let n = 0;
async function turn(token: string, sessionId: string | undefined, text: string, extra: object = {}) {
  const s = await chatTurn(gw.url, token, { ...(sessionId ? { sessionId } : {}), message: { id: `m${++n}`, text }, ...extra });
  const first = s.events[0]?.ev;
  const id = first?.event === 'session' ? first.data.sessionId : sessionId!;
  return { id, done: lastEvent(s), s };
}

const hooks = (type: string) => rx.received.map((r) => JSON.parse(r.body)).filter((b) => b.type === type);

t.test('required fields only: complete at once, one completion, a submission; the phone later is an update; leaving is not abandoning', async (t) => {
  const token = await visitorToken(site.siteKey, ORIGIN);
  const context = {
    url: `${ORIGIN}/quote?utm_source=ads&email=secret@x.example`,
    referrer: 'https://search.example/q?x=1',
    language: 'en-GB',
    attributes: { plan: 'pro', ignored: 'x' },
  };
  const first = await turn(token, undefined, 'Hi, I am Ann Lee', { context });
  t.match(first.done, { event: 'done', data: { status: 'collecting' } });
  const second = await turn(token, first.id, 'ann@example.com');
  t.match(second.done, { event: 'done', data: { status: 'complete' } }, 'complete as soon as the required fields are in');
  t.match((second.done as { data: { reply: string } }).data.reply, /phone/i, 'and the optional phone is still asked');

  await waitFor(() => hooks('session.completed').length === 1, 5000, 'the completion webhook');
  const done = hooks('session.completed')[0];
  t.match(done.data, {
    sessionId: first.id,
    tenantId: 'sunny',
    siteId: 'web',
    templateId: 'lead',
    templateVersion: 1,
    status: 'complete',
    data: { name: 'Ann Lee', email: 'ann@example.com' },
  });
  t.same(
    done.data.context,
    { url: `${ORIGIN}/quote?utm_source=ads`, referrer: 'https://search.example', language: 'en-GB', attributes: { plan: 'pro' } },
    'context cleaned: utm only, referrer origin, allowed keys',
  );

  const list = await admin('GET', '/tenants/sunny/submissions', undefined, tenantKey);
  t.equal(list.body.items.length, 1);
  const sub = list.body.items[0];
  t.match(sub, {
    sessionId: first.id,
    status: 'complete',
    siteId: 'web',
    templateVersion: 1,
    data: { name: 'Ann Lee', email: 'ann@example.com' },
    completedAt: String,
  });
  t.equal(done.data.submissionId, sub.id);

  const third = await turn(token, first.id, '+1 415 555 0134');
  t.match(third.done, { data: { status: 'complete' } });
  await waitFor(() => hooks('session.updated').length === 1, 5000, 'the update webhook');
  t.match(hooks('session.updated')[0].data, {
    sessionId: first.id,
    status: 'complete',
    data: { name: 'Ann Lee', email: 'ann@example.com', phone: '+1 415 555 0134' },
  });
  const updated = await admin('GET', `/tenants/sunny/submissions/${sub.id}?transcript=1`, undefined, tenantKey);
  t.match(updated.body, { status: 'complete', data: { phone: '+1 415 555 0134' } });
  t.equal(updated.body.transcript.length, 6, 'the conversation, while the session exists');
  t.equal(updated.body.transcript[0].text, 'Hi, I am Ann Lee');

  // SESSION_IDLE_S=3: the sweeper has looked at this idle session by now.
  await new Promise((r) => setTimeout(r, 4500));
  t.equal(hooks('session.abandoned').length, 0, 'a complete lead is never reported abandoned');
  t.equal(hooks('session.completed').length, 1, 'and completed fired once');
});

t.test('a session that leaves before the required fields is abandoned, once', async (t) => {
  const token = await visitorToken(site.siteKey, ORIGIN);
  const s = await turn(token, undefined, 'Hello, my name is Bob Stone');
  await waitFor(() => hooks('session.abandoned').some((h) => h.data.sessionId === s.id), 9000, 'the abandonment');
  const page = await admin('GET', '/tenants/sunny/submissions?status=abandoned', undefined, tenantKey);
  t.match(page.body.items, [{ sessionId: s.id, status: 'abandoned', data: { name: 'Bob Stone' } }]);
});

t.test('a running session keeps its template version; a new session gets the new one', async (t) => {
  const token = await visitorToken(site.siteKey, ORIGIN);
  const old = await turn(token, undefined, 'Hi, I am Carla Diaz');
  const v2 = await admin(
    'PUT',
    '/tenants/sunny/templates/lead',
    { ...TEMPLATE, fields: { ...TEMPLATE.fields, company: { type: 'string', description: 'company name', required: true } } },
    tenantKey,
  );
  t.same(v2.body, { id: 'lead', version: 2 });
  await new Promise((r) => setTimeout(r, 100));

  const oldDone = await turn(token, old.id, 'carla@example.com');
  t.match(oldDone.done, { data: { status: 'complete' } }, 'v1 asks no company: complete on name and email');
  const fresh = await turn(token, undefined, 'Hi, I am Dan Roe, dan@example.com');
  t.match(fresh.done, { data: { status: 'collecting' } }, 'v2 needs the company');
  t.match((fresh.done as { data: { reply: string } }).data.reply, /company/i);

  await waitFor(
    async () =>
      (await admin('GET', '/tenants/sunny/submissions?status=complete', undefined, tenantKey)).body.items.some(
        (x: { sessionId: string }) => x.sessionId === old.id,
      ),
    5000,
    'the v1 lead',
  );
  const items = (await admin('GET', '/tenants/sunny/submissions?status=complete', undefined, tenantKey)).body.items as Array<{
    sessionId: string;
    templateVersion: number;
  }>;
  t.equal(items.find((x) => x.sessionId === old.id)?.templateVersion, 1);
});

t.test('submissions: site filter, cursor pages, CSV neutralised, NDJSON, erasure to the last key', async (t) => {
  // Three more complete leads, one on the other site, one with a formula for a company name.
  // Both sites now start sessions on template v2, which also needs the company.
  const blogToken = await visitorToken(other.siteKey, 'https://blog.solar.example');
  const e = await turn(blogToken, undefined, 'Hi, I am Eve Moss, eve@example.com');
  t.match((await turn(blogToken, e.id, 'Moss Inc')).done, { data: { status: 'complete' } });
  const token = await visitorToken(site.siteKey, ORIGIN);
  const f = await turn(token, undefined, 'Hi, I am Fay Wong, fay@example.com');
  const formula = '=HYPERLINK("http://evil.example","click")';
  const fDone = await turn(token, f.id, formula);
  t.match(fDone.done, { data: { status: 'complete' } });

  // Ann, Bob (abandoned), Carla, Dan (left on v2 without a company: abandoned), Eve, Fay.
  await waitFor(async () => (await admin('GET', '/tenants/sunny/submissions?limit=500', undefined, tenantKey)).body.items.length >= 6, 10000, 'six leads');
  const all = (await admin('GET', '/tenants/sunny/submissions?limit=500', undefined, tenantKey)).body.items as Array<{
    id: string;
    siteId: string;
    createdAt: string;
    sessionId: string;
  }>;
  t.same(
    [...all].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((x) => x.id),
    all.map((x) => x.id),
    'newest first',
  );
  const blog = await admin('GET', '/tenants/sunny/submissions?site=blog', undefined, tenantKey);
  t.same(
    blog.body.items.map((x: { siteId: string }) => x.siteId),
    ['blog'],
  );

  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const q: string = `/tenants/sunny/submissions?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await admin('GET', q, undefined, tenantKey);
    seen.push(...page.body.items.map((x: { id: string }) => x.id));
    cursor = page.body.next;
    pages++;
  } while (cursor);
  t.ok(pages >= 3, 'more than one page');
  t.same(
    seen,
    all.map((x) => x.id),
    'the pages together: every lead once, in order',
  );
  t.equal((await admin('GET', '/tenants/sunny/submissions?cursor=garbage', undefined, tenantKey)).status, 400);
  const later = await admin('GET', `/tenants/sunny/submissions?since=${encodeURIComponent(all[0]!.createdAt)}`, undefined, tenantKey);
  t.same(
    later.body.items.map((x: { id: string }) => x.id),
    [all[0]!.id],
    'since',
  );
  const earlier = await admin('GET', `/tenants/sunny/submissions?until=${encodeURIComponent(all[0]!.createdAt)}&limit=500`, undefined, tenantKey);
  t.same(
    earlier.body.items.map((x: { id: string }) => x.id),
    all.slice(1).map((x) => x.id),
    'until',
  );

  const csv = await admin('GET', '/tenants/sunny/submissions/export?format=csv', undefined, tenantKey);
  t.equal(csv.status, 200);
  t.match(csv.headers.get('content-type'), /text\/csv/);
  t.match(csv.headers.get('content-disposition'), /attachment; filename="sunny-leads-/);
  const lines = csv.text.trim().split('\r\n');
  t.equal(lines[0]!.split(',').slice(0, 4).join(','), 'name,email,phone,company', 'the template fields first, in template order');
  t.equal(lines.length, 1 + all.length);
  t.ok(csv.text.includes(`"'=HYPERLINK(""http://evil.example"",""click"")"`), 'the formula is neutralised and quoted');
  t.notOk(/(^|,)"?=HYPERLINK/m.test(csv.text), 'no cell starts with =');

  const nd = await admin('GET', '/tenants/sunny/submissions/export?format=ndjson&site=web', undefined, tenantKey);
  const rows = nd.text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  t.ok(rows.length >= 3);
  t.ok(rows.every((r) => r.siteId === 'web'));
  t.ok(
    rows.some((r) => r.data.company === formula),
    'NDJSON keeps the value as it was',
  );

  // Erasure: the submission and its session, to the last key.
  const target = all.find((x) => x.sessionId === f.id)!;
  t.equal((await admin('DELETE', `/tenants/sunny/submissions/${target.id}`, undefined, tenantKey)).status, 204);
  t.equal((await admin('GET', `/tenants/sunny/submissions/${target.id}`, undefined, tenantKey)).status, 404);
  const left: string[] = [];
  for await (const keys of db.scanIterator({ MATCH: '*', COUNT: 1000 }))
    for (const k of ([] as string[]).concat(keys)) if (k.includes(f.id) || k.includes(target.id)) left.push(k);
  t.same(left, [], 'no key of that session or submission is left in Redis');
  const members = await db.zRange('gw:sessions:idle', 0, -1);
  t.notOk(members.includes(f.id));
  t.equal((await admin('DELETE', `/tenants/sunny/submissions/${target.id}`, undefined, tenantKey)).status, 204, 'idempotent');
  const audit = await admin('GET', '/tenants/sunny/audit', undefined, tenantKey);
  t.match(audit.body.items[0], { action: 'submission.erase', target: `submission:${target.id}` });
});

t.test('webhook admin: test ping, deliveries, rotation', async (t) => {
  const ping = await admin('POST', '/tenants/sunny/webhook/test', undefined, tenantKey);
  t.match(ping.body, { delivered: true, status: 204 });
  const deliveries = await admin('GET', '/tenants/sunny/webhook/deliveries', undefined, tenantKey);
  t.match(deliveries.body.items[0], { type: 'ping', status: 'delivered' });
  t.ok(deliveries.body.items.some((d: { type: string; status: string }) => d.type === 'session.completed' && d.status === 'delivered'));
  const rotated = await admin('POST', '/tenants/sunny/webhook/rotate-secret', undefined, tenantKey);
  t.match(rotated.body, { secret: /^whsec_/ });
  t.not(rotated.body.secret, hook.body.secret);
  const got = await admin('GET', '/tenants/sunny/webhook', undefined, tenantKey);
  t.notOk('secret' in got.body, 'a secret is shown once');
  const bad = await admin('PUT', '/tenants/sunny/webhook', { url: 'http://127.0.0.1:1/x' }, tenantKey);
  t.equal(bad.status, 200, 'the operator allowed private addresses for this tenant: kept on save');
  const other2 = await admin('POST', '/tenants', { id: 'nohook', name: 'No Hook' });
  t.equal(other2.status, 201);
  const ssrf = await admin('PUT', '/tenants/nohook/webhook', { url: 'http://127.0.0.1:1/x' });
  t.equal(ssrf.status, 400);
  t.equal(ssrf.body.error.code, 'invalid_webhook_url');
});

t.test('a console preview runs the draft on the real engine and never becomes a lead', async (t) => {
  const bad = await admin('POST', '/tenants/sunny/preview-token', { template: { fields: { x: { type: 'nope' } } } }, tenantKey);
  t.equal(bad.status, 400);
  t.equal(bad.body.error.code, 'invalid_template');
  t.equal((await admin('POST', '/tenants/acme/preview-token', { template: TEMPLATE }, tenantKey)).status, 404, 'another tenant: 404');

  const draft = {
    ...TEMPLATE,
    greeting: 'Draft greeting!',
    complete: 'Thanks {name} of {team}!',
    fields: { name: TEMPLATE.fields.name, team: { type: 'string', description: 'team name', required: true } },
  };
  const pv = await admin('POST', '/tenants/sunny/preview-token', { template: draft }, tenantKey);
  t.equal(pv.status, 200);
  const before = (await admin('GET', '/tenants/sunny/submissions?limit=500', undefined, tenantKey)).body.items.length;
  const first = await turn(pv.body.token, undefined, 'Hi, I am Gus Hall');
  t.match((first.done as { data: { reply: string } }).data.reply, /Draft greeting!.*team name/s, 'the draft, not the published template');
  const second = await turn(pv.body.token, first.id, 'The Rockets');
  t.match(second.done, { data: { status: 'complete' } });
  await new Promise((r) => setTimeout(r, 1000));
  t.equal((await admin('GET', '/tenants/sunny/submissions?limit=500', undefined, tenantKey)).body.items.length, before, 'no submission');
  t.notOk(
    rx.received.some((r) => r.body.includes(first.id)),
    'no webhook',
  );
  const token = await visitorToken(site.siteKey, ORIGIN);
  const s = await chatTurn(gw.url, token, { sessionId: first.id, message: { id: 'x1', text: 'hi' } });
  t.equal(s.status, 404, 'a visitor of a site cannot reach a preview session');

  const withVersion = await admin('POST', '/tenants/sunny/preview-token', { template: { ...draft, version: 3 } }, tenantKey);
  t.equal(withVersion.status, 400, 'a draft is checked like a published template: the server sets the version');
  t.match(withVersion.body.error.details, [{ path: '/version' }]);

  // The draft outlives its token only PREVIEW_TTL_S: once it is gone the token says so.
  const prv = JSON.parse(Buffer.from(String(pv.body.token).split('.')[1]!, 'base64url').toString()).prv as string;
  t.equal(await db.del(`gw:preview:{${prv}}`), 1, 'the draft was kept under its id');
  const expired = await chatTurn(gw.url, pv.body.token, { sessionId: first.id, message: { id: 'x2', text: 'hi' } });
  t.equal(expired.status, 401);
  t.match(expired.json, { error: { code: 'unauthorized', message: /preview has expired/ } });
});
