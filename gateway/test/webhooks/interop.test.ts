/**
 * Interop: our webhook signer against the reference `standardwebhooks` package. A receiver using
 * `new Webhook(secret).verify(body, headers)` accepts what we send: signed headers alone, a real
 * delivery over HTTP as the receiver saw it, and during a rotation (two signatures) with either secret.
 */
import t from 'tap';
import { Webhook } from 'standardwebhooks';
import { webhookHeaders } from '../../src/webhooks/signature.js';
import { newWebhookSecret } from '../../src/webhooks/config.js';
import { attemptDelivery } from '../../src/webhooks/deliver.js';
import { startReceiver } from './receiver.js';

const now = () => Math.floor(Date.now() / 1000);
const body = JSON.stringify({
  type: 'session.completed',
  timestamp: new Date().toISOString(),
  data: { sessionId: 's1', data: { name: 'Zoë', email: 'a@b.example' } },
});

t.test('standardwebhooks verifies our signed headers', async (t) => {
  const s = newWebhookSecret();
  const h = webhookHeaders([s], 'msg_interop', now(), body);
  t.same(new Webhook(s).verify(body, h), JSON.parse(body));
  t.throws(() => new Webhook(s).verify(body.replace('Zoë', 'Eve'), h), 'a tampered body is refused');
  t.throws(() => new Webhook(newWebhookSecret()).verify(body, h), 'another secret is refused');
});

t.test('standardwebhooks verifies a real delivery, also during a rotation (two signatures)', async (t) => {
  const rx = await startReceiver();
  t.teardown(() => rx.close());
  const [oldS, newS] = [newWebhookSecret(), newWebhookSecret()];
  for (const secrets of [[newS], [newS, oldS]]) {
    const res = await attemptDelivery({
      url: rx.url,
      secrets,
      allowPrivateNetwork: true,
      id: `msg_${secrets.length}`,
      body,
      timeoutMs: 2000,
      userAgent: 'test',
    });
    t.equal(res.outcome, 'delivered');
    const got = rx.received.at(-1)!;
    const headers = Object.fromEntries(Object.entries(got.headers).map(([k, v]) => [k, String(v)]));
    t.equal(headers['webhook-signature']!.split(' ').length, secrets.length);
    for (const s of secrets)
      t.same(new Webhook(s).verify(got.body, headers), JSON.parse(body), `verified with secret ${secrets.indexOf(s) + 1} of ${secrets.length}`);
  }
});
