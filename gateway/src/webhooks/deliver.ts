/**
 * One webhook POST: vetted and pinned address, signed headers, a hard timeout, no redirects
 * (a 3xx is a failure: following it would bypass the SSRF check and the customer's intent).
 */
import { Agent, request } from 'undici';
import { pinnedLookup, vetUrl, SsrfRefused, type Resolver } from './ssrf.js';
import { webhookHeaders } from './signature.js';

export const USER_AGENT = 'chat-gateway-webhooks/1';

export type AttemptResult =
  | { outcome: 'delivered'; status: number }
  | { outcome: 'gone'; status: 410 }
  | { outcome: 'refused'; error: string }
  | { outcome: 'failed'; status?: number; error: string };

export interface AttemptOptions {
  url: string;
  /** The secrets that sign this attempt (`liveSecrets(webhook)`): each adds a signature. */
  secrets: string[];
  allowPrivateNetwork: boolean;
  id: string;
  body: string;
  timeoutMs: number;
  resolve?: Resolver;
  userAgent: string;
  /** Aborts the attempt (shutdown); the caller then records nothing. */
  signal?: AbortSignal;
}

export async function attemptDelivery(o: AttemptOptions): Promise<AttemptResult> {
  let target;
  try {
    target = await vetUrl(o.url, o.allowPrivateNetwork, o.resolve);
  } catch (e) {
    if (e instanceof SsrfRefused) return e.transient ? { outcome: 'failed', error: e.message } : { outcome: 'refused', error: e.message };
    throw e;
  }
  const agent = new Agent({
    connect: { lookup: pinnedLookup(target), timeout: o.timeoutMs },
    headersTimeout: o.timeoutMs,
    bodyTimeout: o.timeoutMs,
    pipelining: 0,
  });
  try {
    const res = await request(target.url, {
      method: 'POST',
      dispatcher: agent,
      headers: { ...webhookHeaders(o.secrets, o.id, Math.floor(Date.now() / 1000), o.body), 'user-agent': o.userAgent },
      body: o.body,
      signal: o.signal ? AbortSignal.any([o.signal, AbortSignal.timeout(o.timeoutMs)]) : AbortSignal.timeout(o.timeoutMs),
    });
    await res.body.dump({ limit: 65536 }).catch(() => {});
    if (res.statusCode >= 200 && res.statusCode < 300) return { outcome: 'delivered', status: res.statusCode };
    if (res.statusCode === 410) return { outcome: 'gone', status: 410 };
    return { outcome: 'failed', status: res.statusCode, error: `HTTP ${res.statusCode}` };
  } catch (e) {
    const err = e as Error & { code?: string };
    return { outcome: 'failed', error: err.name === 'TimeoutError' ? 'timeout' : (err.code ?? err.message) };
  } finally {
    await agent.close().catch(() => {});
  }
}
