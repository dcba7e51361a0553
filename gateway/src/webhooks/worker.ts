/**
 * The delivery loop of one gateway: claim due deliveries, POST them, record each outcome.
 * Several gateways run it at once; the outbox lease keeps them off each other's attempts.
 */
import type { TenantRegistry } from '../tenants.js';
import { liveSecrets } from './config.js';
import { attemptDelivery, USER_AGENT, type AttemptResult } from './deliver.js';
import type { Delivery, Outbox } from './outbox.js';
import type { Resolver } from './ssrf.js';

export interface WorkerOptions {
  outbox: Outbox;
  tenants: TenantRegistry;
  retryScheduleMs: number[];
  timeoutMs: number;
  batch: number;
  log: { info: (o: object, m: string) => void; warn: (o: object, m: string) => void; error: (o: object, m: string) => void };
  /** Called with each attempt's outcome (metrics). */
  onOutcome?: (outcome: 'delivered' | 'retry' | 'failed' | 'disabled' | 'refused') => void;
  resolve?: Resolver;
}

/** ±20 %, so receivers that failed together are not hit together again. */
export const jitter = (ms: number) => Math.round(ms * (0.8 + Math.random() * 0.4));

export class DeliveryWorker {
  private readonly inflight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private ticking = false;

  constructor(private readonly o: WorkerOptions) {}

  /** One pass: claim what is due and deliver it in parallel. */
  async tick(): Promise<void> {
    if (this.ticking || this.stopping.signal.aborted) return;
    this.ticking = true;
    try {
      // The lease outlives the attempt's timeout, so an attempt in flight is never claimed twice.
      const due = await this.o.outbox.claim(this.o.batch, this.o.timeoutMs + 5000);
      for (const d of due) {
        const p = this.deliver(d).catch((e) => this.o.log.error({ err: e, deliveryId: d.id }, 'webhook delivery crashed'));
        this.inflight.add(p);
        void p.finally(() => this.inflight.delete(p));
      }
    } finally {
      this.ticking = false;
    }
  }

  /** Stop claiming; attempts in flight are aborted and, unrecorded, retried after their lease. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.inflight]);
  }

  private async deliver(d: Delivery): Promise<void> {
    const { outbox, log } = this.o;
    const webhook = this.o.tenants.tenants.get(d.tenantId)?.webhook;
    const attempts = d.attempts + 1;
    const at = new Date().toISOString();
    if (!webhook) {
      await outbox.settle(d, { status: 'failed', lastError: 'the tenant has no webhook any more', lastAttemptAt: at });
      return this.o.onOutcome?.('failed');
    }
    if (!webhook.events.includes(d.type)) {
      // Unsubscribed (admin API) while this one waited: the tenant no longer wants it.
      await outbox.settle(d, { status: 'failed', lastError: `the webhook no longer subscribes to ${d.type}`, lastAttemptAt: at });
      return this.o.onOutcome?.('failed');
    }
    if ((await outbox.disabledUrl(d.tenantId)) === webhook.url) {
      await outbox.settle(d, { status: 'disabled', lastError: 'endpoint disabled after HTTP 410', lastAttemptAt: at });
      return this.o.onOutcome?.('disabled');
    }
    const res: AttemptResult = await attemptDelivery({
      url: webhook.url,
      // Signed with the current secret and any rotated-out one still in its grace period.
      secrets: liveSecrets(webhook),
      allowPrivateNetwork: webhook.allowPrivateNetwork,
      id: d.id,
      body: d.body,
      timeoutMs: this.o.timeoutMs,
      userAgent: USER_AGENT,
      signal: this.stopping.signal,
      ...(this.o.resolve ? { resolve: this.o.resolve } : {}),
    });
    if (this.stopping.signal.aborted) return;
    const ctx = { deliveryId: d.id, tenantId: d.tenantId, type: d.type, attempts };
    const base = { attempts: String(attempts), lastAttemptAt: at };
    switch (res.outcome) {
      case 'delivered':
        await outbox.settle(d, { ...base, status: 'delivered', lastStatus: String(res.status), deliveredAt: new Date().toISOString() });
        log.info({ ...ctx, status: res.status }, 'webhook delivered');
        return this.o.onOutcome?.('delivered');
      case 'gone':
        await outbox.disable(d.tenantId, webhook.url);
        await outbox.settle(d, { ...base, status: 'disabled', lastStatus: '410' });
        log.warn({ ...ctx, url: webhook.url }, 'webhook endpoint answered 410 Gone: disabled for this tenant');
        return this.o.onOutcome?.('disabled');
      case 'refused':
        await outbox.settle(d, { ...base, status: 'refused', lastError: res.error });
        log.warn({ ...ctx, reason: res.error }, 'webhook URL refused by the SSRF guard');
        return this.o.onOutcome?.('refused');
      case 'failed': {
        const wait = this.o.retryScheduleMs[attempts - 1];
        const fields = { ...base, lastError: res.error, ...(res.status ? { lastStatus: String(res.status) } : {}) };
        if (wait === undefined) {
          await outbox.settle(d, { ...fields, status: 'failed' });
          log.error({ ...ctx, error: res.error }, 'webhook delivery failed for good: retries exhausted');
          return this.o.onOutcome?.('failed');
        }
        await outbox.settle(d, { ...fields, status: 'pending' }, Date.now() + jitter(wait));
        log.warn({ ...ctx, error: res.error, retryInMs: wait }, 'webhook attempt failed: will retry');
        return this.o.onOutcome?.('retry');
      }
    }
  }
}
