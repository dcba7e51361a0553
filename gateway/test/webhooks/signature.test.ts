/**
 * The documented receiver snippet (docs/examples/verify-webhook.mjs) against our signer:
 * a genuine delivery verifies; a tampered body, a stale timestamp and a replayed id do not;
 * during a rotation a receiver holding either secret verifies.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
// @ts-expect-error: a plain .mjs example, imported as the docs show it
import { verifyWebhook } from '../../../docs/examples/verify-webhook.mjs';
import { webhookHeaders } from '../../src/webhooks/signature.js';

const secret = () => `whsec_${randomBytes(32).toString('base64')}`;
const verify = verifyWebhook as (s: string, h: Record<string, string>, body: string, nowS?: number) => { event: unknown; done(): void };
const now = () => Math.floor(Date.now() / 1000);
const body = JSON.stringify({ type: 'session.completed', data: { sessionId: 's1', data: { email: 'a@b.example' } } });

t.test('a genuine delivery verifies, once', async (t) => {
  const s = secret();
  const h = webhookHeaders([s], 'msg_one', now(), body);
  const { event, done } = verify(s, h, body);
  t.same(event, JSON.parse(body));
  done();
  t.throws(() => verify(s, h, body), /replayed id/, 'the same id again is a replay');
});

t.test('a retry of an unprocessed delivery still verifies', async (t) => {
  const s = secret();
  t.ok(verify(s, webhookHeaders([s], 'msg_retry', now(), body), body));
  t.ok(verify(s, webhookHeaders([s], 'msg_retry', now(), body), body), 'not marked done: not a replay');
});

t.test('tampering is refused', async (t) => {
  const s = secret();
  const h = webhookHeaders([s], 'msg_two', now(), body);
  t.throws(() => verify(s, h, body.replace('a@b.example', 'x@y.example')), /bad signature/, 'body');
  t.throws(() => verify(s, { ...h, 'webhook-id': 'msg_other' }, body), /bad signature/, 'id');
  t.throws(() => verify(s, { ...h, 'webhook-timestamp': String(now() + 1) }, body), /bad signature/, 'timestamp');
  t.throws(() => verify(secret(), h, body), /bad signature/, 'another secret');
  t.throws(() => verify(s, { ...h, 'webhook-signature': 'v1,' }, body), /bad signature/, 'empty signature');
});

t.test('a stale or future timestamp is refused', async (t) => {
  const s = secret();
  t.throws(() => verify(s, webhookHeaders([s], 'msg_old', now() - 301, body), body), /stale/);
  t.throws(() => verify(s, webhookHeaders([s], 'msg_new', now() + 301, body), body), /stale/);
  t.ok(verify(s, webhookHeaders([s], 'msg_edge', now() - 290, body), body), 'inside the 5 minute tolerance');
});

t.test('rotation: two signatures, either secret verifies', async (t) => {
  const [oldS, newS] = [secret(), secret()];
  const h = webhookHeaders([oldS, newS], 'msg_rot', now(), body);
  t.equal(h['webhook-signature']!.split(' ').length, 2);
  t.ok(verify(oldS, h, body));
  t.ok(verify(newS, h, body));
});
