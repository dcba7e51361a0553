/**
 * Completion webhooks: a session that completes, or is closed or left idle incomplete, becomes an
 * event in the Redis outbox (once per session and type), which every gateway's worker delivers.
 * Active only when a tenant has a `webhook` and Redis is configured (the outbox must outlive a
 * process). Idle sessions are tracked in `gw:sessions:idle` (score: last activity, ms).
 */
import fp from 'fastify-plugin';
import { newRedisClient } from '../redis-client.js';
import type { SessionStatus } from '@chat/shared';
import type { Config } from '../config.js';
import { Outbox, eventId, type EventType, type OutboxRedis } from '../webhooks/outbox.js';
import { DeliveryWorker } from '../webhooks/worker.js';
import { buildEvent } from '../webhooks/events.js';

export const IDLE_SET = 'gw:sessions:idle';

interface IdleRedis extends OutboxRedis {
  zAdd(key: string, m: { score: number; value: string }): Promise<unknown>;
  zRem(key: string, member: string): Promise<unknown>;
  zRangeByScore(key: string, min: number | string, max: number | string, opts: { LIMIT: { offset: number; count: number } }): Promise<string[]>;
  on(event: 'error', fn: (e: Error) => void): unknown;
  connect(): Promise<unknown>;
  close(): Promise<unknown>;
  readonly isOpen: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Present when webhooks are active. */
    webhooks?: { outbox: Outbox; worker: DeliveryWorker; sweep(): Promise<number>; emit(sessionId: string, type: EventType): Promise<boolean> };
  }
}

export default fp<{ config: Config }>(
  async (app, { config }) => {
    const anyWebhook = [...app.tenants.tenants.values()].some((t) => t.webhook);
    if (!anyWebhook) return;
    if (!config.redisUrl || app.kv.kind !== 'redis') {
      app.log.warn('a tenant has a webhook but REDIS_URL is unset: webhooks are off (their outbox must live in Redis)');
      return;
    }
    const client = newRedisClient<IdleRedis>(config.redisUrl, config.redisCluster);
    client.on('error', (e) => app.log.warn({ err: e.message }, 'webhook redis error'));
    await client.connect();

    const outbox = new Outbox(client, config.webhookRetainS);
    const worker = new DeliveryWorker({
      outbox,
      tenants: app.tenants,
      retryScheduleMs: config.webhookRetryScheduleMs,
      timeoutMs: config.webhookTimeoutMs,
      batch: config.webhookBatch,
      log: app.log,
      onOutcome: (outcome) => {
        app.metrics?.webhookDeliveries.inc({ outcome });
        if (outcome !== 'delivered') app.metrics?.webhookFailures.inc({ outcome });
      },
    });
    const kick = () => void worker.tick().catch((e) => app.log.warn({ err: e }, 'webhook worker pass failed'));

    /** Enqueue the event for a session, with the data the engine collected. False: not wanted or already queued. */
    async function emit(sessionId: string, type: EventType): Promise<boolean> {
      const rec = await app.sessions.get(sessionId);
      const webhook = rec ? app.tenants.tenants.get(rec.tenantId)?.webhook : undefined;
      if (!rec || !webhook || !webhook.events.includes(type)) return false;
      const id = eventId(sessionId, type);
      const view = (await app.engine.getSession(sessionId, `wh-${id}`)) as { data?: Record<string, unknown> };
      const added = await outbox.enqueue(id, rec.tenantId, type, JSON.stringify(buildEvent(rec, type, view.data ?? {})));
      if (added) {
        app.log.info({ deliveryId: id, sessionId, tenantId: rec.tenantId, type }, 'webhook event queued');
        kick();
      }
      return added;
    }

    const safely = async (what: string, sessionId: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (e) {
        // The idle sweeper retries what is lost here: the session stays in the idle set.
        app.log.error({ err: e, sessionId }, `webhook: ${what} failed`);
      }
    };

    app.sessions.observe({
      async touched(id: string, status: SessionStatus | undefined) {
        await safely('idle tracking', id, () => client.zAdd(IDLE_SET, { score: Date.now(), value: id }));
        if (status === 'complete') await safely('completion event', id, () => emit(id, 'session.completed'));
      },
      async closed(id: string, previous: SessionStatus | undefined) {
        if (previous !== 'complete' && previous !== 'closed') await safely('abandon event', id, () => emit(id, 'session.abandoned'));
        await safely('idle tracking', id, () => client.zRem(IDLE_SET, id));
      },
    });

    /** Sessions idle past SESSION_IDLE_S: incomplete ones are abandoned; complete ones re-checked. */
    async function sweep(): Promise<number> {
      const ids = await client.zRangeByScore(IDLE_SET, '-inf', Date.now() - config.sessionIdleS * 1000, { LIMIT: { offset: 0, count: 100 } });
      let n = 0;
      for (const id of ids) {
        const rec = await app.sessions.get(id);
        // Emit before forgetting it, so a crash in between only repeats an idempotent enqueue.
        if (rec?.status === 'collecting' && (await emit(id, 'session.abandoned'))) n++;
        if (rec?.status === 'complete') await emit(id, 'session.completed');
        await client.zRem(IDLE_SET, id);
      }
      return n;
    }

    const timer = setInterval(() => {
      kick();
      sweep().catch((e) => app.log.warn({ err: e }, 'idle sweep failed'));
    }, config.webhookPollMs);
    timer.unref();
    app.addHook('onReady', async () => kick());
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await worker.stop();
      if (client.isOpen) await client.close();
    });
    app.decorate('webhooks', { outbox, worker, sweep, emit });
    app.log.info('webhooks on');
  },
  { name: 'webhooks', dependencies: ['redis'] },
);
