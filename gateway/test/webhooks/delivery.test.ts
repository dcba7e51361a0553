/**
 * Webhooks end to end: redis, engine, gateways and receivers as real processes and sockets.
 * A completed intake is delivered once and verifies with the documented snippet; a receiver that
 * fails three times gets exactly one accepted delivery; a gateway killed between attempts loses
 * nothing; closed and idle sessions are `abandoned`; a 410 disables the endpoint; a URL naming a
 * private address is never contacted.
 */
import t from 'tap';
import { createClient } from 'redis';
import { startRedis, startService, waitFor, type ServiceProcess } from '../../../scripts/testkit/index.js';
// @ts-expect-error: a plain .mjs example, imported as the docs show it
import { verifyWebhook } from '../../../docs/examples/verify-webhook.mjs';
import { ENGINE_KEY, fetchToken, startGateway, tenantsFile } from '../processes.js';
import { chatTurn, lastEvent } from '../sse-client.js';
import { startReceiver, type Receiver } from './receiver.js';
import { deliveryKey, eventId } from '../../src/webhooks/outbox.js';

const verify = verifyWebhook as (s: string, h: object, body: string) => { event: any; done(): void };
const SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
const SECRET2 = `whsec_${Buffer.alloc(32, 4).toString('base64')}`;

const redis = await startRedis();
const engine = await startService('engine', { env: { REDIS_URL: redis.url, ENGINE_KEY } });
const db = createClient({ url: redis.url });
await db.connect();
const acmeRx = await startReceiver();
const globexRx = await startReceiver(() => 410);
const privRx = await startReceiver();
const file = tenantsFile((doc) => {
  doc.tenants[0].webhook = { url: acmeRx.url, secrets: [SECRET, SECRET2], allowPrivateNetwork: true };
  doc.tenants[1].webhook = { url: globexRx.url, secrets: [SECRET], allowPrivateNetwork: true };
  // A third tenant whose URL names a private host without allowing it.
  const priv = JSON.parse(JSON.stringify(doc.tenants[1]));
  priv.id = 'privnet';
  priv.identitySecret = 'privnet-identity-secret-0123456789abcdef';
  priv.sites[0] = { ...priv.sites[0], id: 'privnet-web', siteKey: 'pk_privnet_web', origins: ['https://privnet.example'] };
  priv.webhook = { url: `http://localhost:${privRx.port}/hooks`, secrets: [SECRET] };
  doc.tenants.push(priv);
});
const env = { REDIS_URL: redis.url, ENGINE_URL: engine.url, TENANTS_FILE: file, WEBHOOK_POLL_MS: '50', WEBHOOK_TIMEOUT_MS: '2000' };
let gw: ServiceProcess = await startGateway({ ...env, WEBHOOK_RETRY_SCHEDULE_MS: '100,200,300,400' });

t.teardown(async () => {
  await gw.kill();
  await engine.kill();
  await db.close();
  await Promise.all([acmeRx.close(), globexRx.close(), privRx.close()]);
  await redis.stop();
});

const answers = ["Hi, I'm Jane Doe", 'my email is jane@example.com', '+1 555 123 4567', 'about 150 dollars a month', 'pitched', '2027-03-01'];

/** Run the acme intake to completion; returns the session id. */
async function completeIntake(url: string): Promise<string> {
  const token = await fetchToken(url);
  let sessionId: string | undefined;
  for (const [i, text] of answers.entries()) {
    const s = await chatTurn(url, token, { ...(sessionId ? { sessionId } : {}), message: { id: `m${i}`, text } }, { origin: 'http://localhost:3000' });
    sessionId ??= (s.events[0]!.ev.data as { sessionId: string }).sessionId;
    if ((lastEvent(s)!.data as { status?: string }).status === 'complete') return sessionId;
  }
  throw new Error('the intake did not complete');
}

const record = async (sessionId: string, type: string) => db.hGetAll(deliveryKey(eventId(sessionId, type as 'session.completed')));
const accepted = (rx: Receiver, id: string) => rx.received.filter((r) => r.headers['webhook-id'] === id && r.status < 300);

t.test('a receiver that fails three times then succeeds gets exactly one accepted delivery, which verifies', async (t) => {
  acmeRx.respond = (r) => {
    // Verify every attempt, but only the fourth is processed (marked done) and accepted.
    verify(SECRET, r.headers, r.body);
    return acmeRx.received.filter((x) => x.headers['webhook-id'] === r.headers['webhook-id']).length <= 3 ? 500 : 204;
  };
  const sessionId = await completeIntake(gw.url);
  const id = eventId(sessionId, 'session.completed');
  await waitFor(async () => (await record(sessionId, 'session.completed')).status === 'delivered', 20_000, 'delivered');
  const attempts = acmeRx.received.filter((r) => r.headers['webhook-id'] === id);
  t.equal(attempts.length, 4, 'three failures, one success');
  t.equal(accepted(acmeRx, id).length, 1, 'exactly one accepted delivery');
  t.same(
    attempts.map((a) => a.status),
    [500, 500, 500, 204],
  );
  t.equal(new Set(attempts.map((a) => a.body)).size, 1, 'the same body every attempt');
  const last = attempts.at(-1)!;
  t.equal(String(last.headers['webhook-signature']).split(' ').length, 2, 'signed with both secrets during rotation');
  const { event, done } = verify(SECRET2, last.headers, last.body);
  done();
  t.throws(() => verify(SECRET2, last.headers, last.body), /replayed/, 'the receiver rejects a replay of it');
  t.match(event, {
    type: 'session.completed',
    data: {
      sessionId,
      tenantId: 'acme',
      siteId: 'acme-web',
      templateId: 'lead-intake',
      templateVersion: 1,
      status: 'complete',
      // Complete on the required fields: the completion carries what was given by then.
      data: { name: 'Jane Doe', email: 'jane@example.com' },
    },
  });
  t.equal((await record(sessionId, 'session.completed')).attempts, '4');
  // Touching the completed session again (a resumed page, a retried done) enqueues nothing new.
  await new Promise((r) => setTimeout(r, 300));
  t.equal(acmeRx.received.filter((r) => r.headers['webhook-id'] === id).length, 4, 'no further attempt');
});

t.test('a gateway killed between attempts loses nothing: another process delivers it', async (t) => {
  await gw.kill();
  gw = await startGateway({ ...env, WEBHOOK_RETRY_SCHEDULE_MS: '1500' });
  acmeRx.respond = (r) => (acmeRx.received.filter((x) => x.headers['webhook-id'] === r.headers['webhook-id']).length === 1 ? 503 : 200);
  const sessionId = await completeIntake(gw.url);
  const id = eventId(sessionId, 'session.completed');
  await waitFor(async () => (await record(sessionId, 'session.completed')).attempts === '1', 10_000, 'first attempt recorded');
  await gw.kill('SIGKILL');
  t.equal(accepted(acmeRx, id).length, 0, 'not delivered yet');
  gw = await startGateway({ ...env, WEBHOOK_RETRY_SCHEDULE_MS: '1500' });
  await waitFor(async () => (await record(sessionId, 'session.completed')).status === 'delivered', 15_000, 'delivered after restart');
  t.equal(accepted(acmeRx, id).length, 1, 'exactly one accepted delivery');
  t.equal(acmeRx.received.filter((r) => r.headers['webhook-id'] === id).length, 2);
});

t.test('closing an incomplete session sends session.abandoned with what was collected', async (t) => {
  acmeRx.respond = () => 200;
  const token = await fetchToken(gw.url);
  const s = await chatTurn(gw.url, token, { message: { id: 'a1', text: "I'm Ann Lee" } }, { origin: 'http://localhost:3000' });
  const sessionId = (s.events[0]!.ev.data as { sessionId: string }).sessionId;
  const res = await fetch(`${gw.url}/v1/sessions/${sessionId}/close`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  t.equal(res.status, 200);
  const id = eventId(sessionId, 'session.abandoned');
  await waitFor(() => accepted(acmeRx, id).length === 1, 10_000, 'abandoned delivered');
  const { event } = verify(SECRET, accepted(acmeRx, id)[0]!.headers, accepted(acmeRx, id)[0]!.body);
  t.match(event, { type: 'session.abandoned', data: { sessionId, status: 'incomplete', data: { name: 'Ann Lee' } } });
  await fetch(`${gw.url}/v1/sessions/${sessionId}/close`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  await new Promise((r) => setTimeout(r, 300));
  t.equal(acmeRx.received.filter((r) => r.headers['webhook-id'] === id).length, 1, 'closing twice sends it once');
});

t.test('a session left idle past SESSION_IDLE_S is abandoned once', async (t) => {
  const idleGw = await startGateway({ ...env, SESSION_IDLE_S: '1' });
  t.teardown(() => idleGw.kill());
  const token = await fetchToken(idleGw.url);
  const s = await chatTurn(idleGw.url, token, { message: { id: 'i1', text: "I'm Ida Idle" } }, { origin: 'http://localhost:3000' });
  const sessionId = (s.events[0]!.ev.data as { sessionId: string }).sessionId;
  const id = eventId(sessionId, 'session.abandoned');
  await waitFor(() => accepted(acmeRx, id).length === 1, 15_000, 'idle session abandoned');
  await new Promise((r) => setTimeout(r, 1500));
  t.equal(acmeRx.received.filter((r) => r.headers['webhook-id'] === id).length, 1, 'once');
  t.equal(await db.zScore('gw:sessions:idle', sessionId), null, 'no longer tracked as idle');
});

t.test('410 Gone disables the endpoint for that tenant', async (t) => {
  const token = await fetchToken(gw.url, 'pk_globex_web', 'https://globex.example');
  const open = async (id: string) => {
    const s = await chatTurn(gw.url, token, { message: { id, text: "I'm Gus Tomer" } }, { origin: 'https://globex.example' });
    const sessionId = (s.events[0]!.ev.data as { sessionId: string }).sessionId;
    await fetch(`${gw.url}/v1/sessions/${sessionId}/close`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    return sessionId;
  };
  const first = await open('g1');
  await waitFor(async () => (await record(first, 'session.abandoned')).status === 'disabled', 10_000, 'disabled');
  t.equal(await db.get('gw:webhook-disabled:{wh}:globex'), globexRx.url, 'recorded in Redis');
  // The log line travels through the child's stdout pipe: it may land just after the Redis write.
  await waitFor(async () => /answered 410 Gone: disabled/.test(gw.output()), 5_000, 'the 410 log line');
  t.match(gw.output(), /answered 410 Gone: disabled/, 'logged');
  const second = await open('g2');
  await waitFor(async () => (await record(second, 'session.abandoned')).status === 'disabled', 10_000, 'second disabled');
  t.equal(globexRx.received.length, 1, 'the disabled endpoint is not called again');
});

t.test('a URL whose name resolves to a private address is refused and never contacted', async (t) => {
  const token = await fetchToken(gw.url, 'pk_privnet_web', 'https://privnet.example');
  const s = await chatTurn(gw.url, token, { message: { id: 'p1', text: "I'm Pat" } }, { origin: 'https://privnet.example' });
  const sessionId = (s.events[0]!.ev.data as { sessionId: string }).sessionId;
  await fetch(`${gw.url}/v1/sessions/${sessionId}/close`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  await waitFor(async () => (await record(sessionId, 'session.abandoned')).status === 'refused', 10_000, 'refused');
  t.match((await record(sessionId, 'session.abandoned')).lastError, /internal address/);
  t.equal(privRx.received.length, 0);
});

t.test('webhook figures reach /metrics', async (t) => {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  t.match(text, /gateway_webhook_deliveries_total\{outcome="delivered"\} [1-9]/);
  t.match(text, /gateway_webhook_failures_total\{outcome="(disabled|refused)"\} [1-9]/);
});
