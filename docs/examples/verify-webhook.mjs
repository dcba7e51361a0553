// Verify a Standard Webhooks delivery with nothing but node:crypto.
import { createHmac, timingSafeEqual } from 'node:crypto';

const TOLERANCE_S = 5 * 60;
const seen = new Map(); // webhook-id -> expiry (ms); use a shared store when several receivers run

/** Throws unless signed by `secret`, fresh and not seen; call `done()` once the event is stored. */
export function verifyWebhook(secret, headers, rawBody, nowS = Math.floor(Date.now() / 1000)) {
  const id = headers['webhook-id'],
    ts = Number(headers['webhook-timestamp']);
  if (!id || !Number.isInteger(ts) || Math.abs(nowS - ts) > TOLERANCE_S) throw new Error('stale or missing timestamp');
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${rawBody}`).digest();
  const ok = String(headers['webhook-signature'] ?? '')
    .split(' ')
    .some((sig) => {
      const [version, b64] = sig.split(',');
      const got = Buffer.from(b64 ?? '', 'base64');
      return version === 'v1' && got.length === expected.length && timingSafeEqual(got, expected);
    });
  if (!ok) throw new Error('bad signature');
  for (const [k, exp] of seen) if (exp < Date.now()) seen.delete(k);
  if (seen.has(id)) throw new Error('replayed id');
  return { event: JSON.parse(rawBody), done: () => seen.set(id, Date.now() + 2 * TOLERANCE_S * 1000) };
}
