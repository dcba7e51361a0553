/**
 * Secret rotation: the tenants file's `secrets: string[]` maps to `{secret}` entries; a rotated-out
 * secret signs alongside the new one until its `expiresAt`, then only the new one signs. Checked on
 * real deliveries (real redis-server, worker, local receiver) with the documented receiver snippet.
 */
import t from 'tap';
import { liveSecrets, newWebhookSecret, parseWebhook, rotateWebhookSecret, ROTATION_GRACE_MS, type WebhookConfig } from '../../src/webhooks/config.js';
import { secretBytes } from '../../src/webhooks/signature.js';
import { eventId } from '../../src/webhooks/outbox.js';
import { startReceiver } from './receiver.js';
import { startKit, verify } from './outbox-kit.js';

const fail = (path: string, problem: string) => new Error(`${path}: ${problem}`);

t.test('newWebhookSecret: whsec_ + base64 of 32 random bytes, accepted by the tenants file', async (t) => {
  const s = newWebhookSecret();
  t.match(s, /^whsec_[A-Za-z0-9+/]+={0,2}$/);
  t.equal(secretBytes(s).length, 32);
  t.not(newWebhookSecret(), s);
  t.same(parseWebhook({ url: 'https://crm.example/h', secrets: [s] }, 'w', fail).secrets, [{ secret: s }]);
});

t.test('the file format secrets: string[] maps to the new shape without expiry', async (t) => {
  const [a, b] = [newWebhookSecret(), newWebhookSecret()];
  const w = parseWebhook({ url: 'https://crm.example/h', secrets: [a, b] }, 'w', fail);
  t.same(w.secrets, [{ secret: a }, { secret: b }]);
  t.same(liveSecrets(w, Date.now() + 365 * 86400_000), [a, b], 'file secrets never expire');
  t.same(w.events, ['session.completed', 'session.abandoned'], 'session.updated is opt-in');
  t.same(parseWebhook({ url: 'https://crm.example/h', secrets: [a], events: ['session.updated'] }, 'w', fail).events, ['session.updated']);
  // The stored shape parses too; the current secret cannot expire.
  t.same(parseWebhook({ url: 'https://crm.example/h', secrets: [{ secret: a }, { secret: b, expiresAt: 5 }] }, 'w', fail).secrets, [
    { secret: a },
    { secret: b, expiresAt: 5 },
  ]);
  t.throws(() => parseWebhook({ url: 'https://crm.example/h', secrets: [{ secret: a, expiresAt: 5 }] }, 'w', fail), /w\.secrets\[0\]\.expiresAt/);
  t.throws(() => parseWebhook({ url: 'https://crm.example/h', secrets: [{ secret: 'nope' }] }, 'w', fail), /w\.secrets\[0\]: must be "whsec_"/);
  t.throws(() => parseWebhook({ url: 'https://crm.example/h', secrets: [{ secret: a, x: 1 }] }, 'w', fail), /w\.secrets\[0\]\.x: unknown key/);
});

t.test('liveSecrets and rotateWebhookSecret', async (t) => {
  const old = newWebhookSecret();
  const now = 1_700_000_000_000;
  const { secret, secrets } = rotateWebhookSecret([{ secret: old }], now);
  t.same(secrets, [{ secret }, { secret: old, expiresAt: now + ROTATION_GRACE_MS }]);
  t.equal(ROTATION_GRACE_MS, 24 * 3600 * 1000);
  t.same(liveSecrets({ secrets }, now), [secret, old], 'both sign right after the rotation');
  t.same(liveSecrets({ secrets }, now + ROTATION_GRACE_MS - 1), [secret, old], 'until the expiry');
  t.same(liveSecrets({ secrets }, now + ROTATION_GRACE_MS), [secret], 'then only the new one');
  const again = rotateWebhookSecret(secrets, now + 1000);
  t.same(again.secrets, [{ secret: again.secret }, { secret, expiresAt: now + 1000 + ROTATION_GRACE_MS }], 'a second rotation keeps two');
  t.same(rotateWebhookSecret([], now).secrets.length, 1, 'a first secret');
});

t.test('deliveries are signed with both secrets until the old one expires, then with the new one only', async (t) => {
  const kit = await startKit();
  const rx = await startReceiver(() => 204);
  t.teardown(async () => {
    await kit.close();
    await rx.close();
  });
  const old = newWebhookSecret();
  const { secret: fresh, secrets } = rotateWebhookSecret([{ secret: old }], Date.now(), 1500);
  const webhook: WebhookConfig = { url: rx.url, secrets, allowPrivateNetwork: true, events: ['session.completed', 'session.abandoned'] };
  kit.webhooks.set('acme', webhook);
  const w = kit.worker();
  const body = (sessionId: string) => JSON.stringify({ type: 'session.completed', data: { sessionId, tenantId: 'acme', data: { n: 1 } } });

  const first = eventId('rot-session-1', 'session.completed');
  t.ok(await kit.outbox.enqueue(first, 'acme', 'session.completed', body('rot-session-1')));
  await kit.until(w, first, (r) => r.status === 'delivered', 'first delivered');
  const a = rx.received.find((r) => r.headers['webhook-id'] === first)!;
  t.equal(String(a.headers['webhook-signature']).split(' ').length, 2, 'two signatures during the grace period');
  t.ok(verify(old, a.headers, a.body), 'a receiver still on the old secret verifies');
  t.ok(verify(fresh, a.headers, a.body), 'a receiver on the new secret verifies');

  await new Promise((r) => setTimeout(r, 1600));
  const second = eventId('rot-session-2', 'session.completed');
  t.ok(await kit.outbox.enqueue(second, 'acme', 'session.completed', body('rot-session-2')));
  await kit.until(w, second, (r) => r.status === 'delivered', 'second delivered');
  const b = rx.received.find((r) => r.headers['webhook-id'] === second)!;
  t.equal(String(b.headers['webhook-signature']).split(' ').length, 1, 'one signature after the expiry');
  t.ok(verify(fresh, b.headers, b.body), 'the new secret verifies');
  t.throws(() => verify(old, b.headers, b.body), /bad signature/, 'the expired secret no longer does');
});
