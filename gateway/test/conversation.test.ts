/**
 * Must show 1: a whole intake conversation through the gateway, read as `curl -N` reads it.
 * The engine is the real one, behind a recording pass-through hop, so the test asserts on what the
 * engine was actually sent: the template exactly once, never the visitor's JWT.
 */
import t from 'tap';
import { startRedis, startService } from '../../scripts/testkit/index.js';
import { ACME_ORIGIN } from './helpers.js';
import { ENGINE_KEY, fetchToken, startGateway } from './processes.js';
import { startRecordingProxy } from './recording-proxy.js';
import { chatTurn, lastEvent, names } from './sse-client.js';

const redis = await startRedis();
t.teardown(() => redis.stop());
const engine = await startService('engine', { env: { REDIS_URL: redis.url, ENGINE_KEY, EMBEDDED_TOKEN_DELAY_MS: '15' } });
t.teardown(() => engine.kill());
const proxy = await startRecordingProxy(engine.url);
t.teardown(() => proxy.close());
const gw = await startGateway({ REDIS_URL: redis.url, ENGINE_URL: proxy.url });
t.teardown(() => gw.kill());

const token = await fetchToken(gw.url);
let sessionId = '';

t.test("first turn: session event first, then the engine's events as they come, tokens one read at a time", async (t) => {
  const s = await chatTurn(gw.url, token, { message: { id: 'm1', text: "Hi, I'm Jane Doe" } }, { origin: ACME_ORIGIN });
  t.equal(s.status, 200);
  t.match(s.headers['content-type'], /^text\/event-stream/);
  t.equal(s.headers['cache-control'], 'no-cache, no-transform');
  t.notOk(s.headers['content-encoding'], 'no compression');
  t.equal(s.headers['access-control-allow-origin'], ACME_ORIGIN, 'a cross-origin stream keeps its CORS grant');
  t.equal(s.events[0]!.ev.event, 'session');
  sessionId = (s.events[0]!.ev.data as { sessionId: string }).sessionId;
  t.match(sessionId, /^[A-Za-z0-9_-]{22}$/, '128-bit id, base64url');
  // The gateway's own ids, from the session's event log: `<turn>-<n>`, n = 1, 2, 3, ...
  const ids = s.events.map((e) => String(e.ev.id));
  const turn = ids[0]!.split('-')[0];
  t.same(
    ids,
    ids.map((_, i) => `${turn}-${i + 1}`),
    'own ids: <turn>-1, <turn>-2, ...',
  );
  const tokens = s.events.filter((e) => e.ev.event === 'token');
  t.ok(tokens.length > 1, 'several token events');
  t.ok(new Set(tokens.map((e) => e.read)).size > 1, 'token events arrived over several socket reads (incremental)');
  const doneRead = s.events.find((e) => e.ev.event === 'done')!.read;
  t.ok(tokens[0]!.read < doneRead, 'the first token arrived before the end of the turn');
  t.equal(names(s).filter((n) => n === 'data').length, 1, 'one data event');
  t.equal(lastEvent(s)!.event, 'done');
  t.equal((lastEvent(s)!.data as { status: string }).status, 'collecting');
});

// The rest of the intake: every field of the lead-intake template, one answer per turn.
const answers = ['my email is jane@example.com', '+1 555 123 4567', 'about 150 dollars a month', 'pitched', '2027-03-01'];

t.test('later turns name the session, carry only the message, and complete the intake', async (t) => {
  const statuses: string[] = [];
  let data: Record<string, unknown> = {};
  for (const [i, text] of answers.entries()) {
    const s = await chatTurn(gw.url, token, { sessionId, message: { id: `m${i + 2}`, text } });
    t.equal(s.status, 200, text);
    t.equal((s.events[0]!.ev.data as { sessionId: string }).sessionId, sessionId);
    data = (s.events.find((e) => e.ev.event === 'data')!.ev.data as { data: Record<string, unknown> }).data;
    statuses.push((lastEvent(s)!.data as { status: string }).status);
  }
  // Complete once the required name and email are in; the optional answers after it keep it complete.
  t.same(statuses, ['complete', 'complete', 'complete', 'complete', 'complete']);
  t.match(data, { name: 'Jane Doe', email: 'jane@example.com', phone: '+1 555 123 4567', budget: 150, roof: 'pitched', start: '2027-03-01' });
});

t.test('resume: the transcript and data come back', async (t) => {
  const res = await fetch(`${gw.url}/v1/sessions/${sessionId}`, { headers: { authorization: `Bearer ${token}` } });
  t.equal(res.status, 200);
  const view = (await res.json()) as { status: string; data: Record<string, unknown>; transcript: Array<{ role: string; text: string }> };
  t.equal(view.status, 'complete');
  t.equal(view.data.email, 'jane@example.com');
  t.ok(view.transcript.length >= 4);
  t.same(
    view.transcript.slice(0, 2).map((e) => e.role),
    ['user', 'assistant'],
  );
  t.equal(view.transcript[0]!.text, "Hi, I'm Jane Doe");
});

t.test('close: final data, then the session refuses turns', async (t) => {
  const res = await fetch(`${gw.url}/v1/sessions/${sessionId}/close`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  t.equal(res.status, 200);
  const body = (await res.json()) as { status: string; data: Record<string, unknown> };
  t.equal(body.status, 'closed');
  t.equal(body.data.name, 'Jane Doe');
  const after = await chatTurn(gw.url, token, { sessionId, message: { id: 'm3', text: 'one more thing' } });
  t.equal(after.status, 409);
  t.equal(after.json!.error.code, 'session_closed');
});

t.test('what the engine saw: the template exactly once, the service key, never the visitor JWT', async (t) => {
  const turns = proxy.seen.filter((r) => r.method === 'POST' && r.path.endsWith('/turns'));
  t.ok(turns.length >= 3, `${turns.length} turns reached the engine`);
  t.notOk(
    turns.some((r) => r.body.includes('one more thing')),
    "the closed session's turn did not",
  );
  const bodies = turns.map((r) => JSON.parse(r.body) as { template?: { id: string }; message: { id: string } });
  t.equal(bodies.filter((b) => b.template).length, 1, 'exactly one request carried a template');
  t.equal(bodies[0]!.template!.id, 'lead-intake', "the first one, with the site's template");
  for (const b of bodies.slice(1)) t.same(Object.keys(b), ['message'], 'later turns carried only the message');
  for (const r of proxy.seen) {
    t.equal(r.headers.authorization, `Bearer ${ENGINE_KEY}`, `${r.method} ${r.path}: the service credential`);
    t.ok(r.headers['x-request-id'], 'a request id');
    const everything = JSON.stringify(r.headers) + r.body;
    t.notOk(everything.includes(token), `${r.method} ${r.path}: the visitor JWT appears nowhere`);
    t.notOk(everything.includes(token.split('.')[2]!), 'not even its signature');
  }
  t.ok(
    proxy.seen.some((r) => r.path.endsWith('/close')),
    'the engine was told about the close',
  );
});
