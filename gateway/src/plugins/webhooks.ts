/**
 * Webhooks: the Redis outbox every gateway's worker delivers from, and the calls that put events in
 * it. What happens to a session and when it becomes an event is the leads plugin's business; this
 * one only knows how to send. On whenever Redis is configured (the outbox must outlive a process),
 * since any tenant may set a webhook through the admin API at any time.
 */
import fp from 'fastify-plugin';
import type { WebhookTestResult } from '@chat/shared';
import type { RedisConnection } from '@chat/shared/server';
import { newRedisClient } from '../redis-client.js';
import type { Config } from '../config.js';
import type { SessionRecord } from '../sessions.js';
import { OUTBOX_SCRIPTS, Outbox, eventId, type EventType, type OutboxRedis } from '../webhooks/outbox.js';
import { DeliveryWorker } from '../webhooks/worker.js';
import { buildEvent } from '../webhooks/events.js';
import { sendPing } from '../webhooks/ping.js';

type Client = OutboxRedis & RedisConnection;

export interface Webhooks {
  outbox: Outbox;
  worker: DeliveryWorker;
  /** Queue a completion or abandonment (once per session and type). False: not wanted or queued already. */
  emit(rec: SessionRecord, type: Exclude<EventType, 'session.updated'>, data: Record<string, unknown>, submissionId?: string): Promise<boolean>;
  /** Queue a `session.updated` (debounced: the newest data wins). Null: the tenant does not want it. */
  update(rec: SessionRecord, data: Record<string, unknown>, submissionId?: string): Promise<string | null>;
  /** Send the tenant a signed `ping` now. */
  ping(tenantId: string): Promise<WebhookTestResult>;
  /** Drop a session's queued deliveries (erasure). */
  forget(sessionId: string): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Present when Redis is configured. */
    webhooks?: Webhooks;
  }
}

export default fp<{ config: Config }>(
  async (app, { config }) => {
    if (!config.redisUrl || app.kv.kind !== 'redis') {
      app.log.warn('REDIS_URL is unset: webhooks are off (their outbox must live in Redis)');
      return;
    }
    const client = newRedisClient<Client>(config.redisUrl, config.redisCluster, OUTBOX_SCRIPTS);
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
    const wants = (rec: SessionRecord, type: EventType) => {
      const webhook = app.tenants.tenants.get(rec.tenantId)?.webhook;
      return webhook?.events.includes(type) ? webhook : undefined;
    };

    const webhooks: Webhooks = {
      outbox,
      worker,
      async emit(rec, type, data, submissionId) {
        if (!wants(rec, type)) return false;
        const id = eventId(rec.id, type);
        const added = await outbox.enqueue(id, rec.tenantId, type, JSON.stringify(buildEvent(rec, type, data, submissionId)), Date.now(), rec.id);
        if (added) {
          app.log.info({ deliveryId: id, sessionId: rec.id, tenantId: rec.tenantId, type }, 'webhook event queued');
          kick();
        }
        return added;
      },
      async update(rec, data, submissionId) {
        if (!wants(rec, 'session.updated')) return null;
        const body = JSON.stringify(buildEvent(rec, 'session.updated', data, submissionId));
        const id = await outbox.enqueueUpdate(rec.id, rec.tenantId, body, config.webhookUpdateDebounceMs);
        app.log.info({ deliveryId: id, sessionId: rec.id, tenantId: rec.tenantId, type: 'session.updated' }, 'webhook update queued');
        return id;
      },
      async ping(tenantId) {
        const webhook = app.tenants.tenants.get(tenantId)?.webhook;
        if (!webhook) return { delivered: false, error: 'no webhook is set' };
        return sendPing({ outbox, tenantId, webhook, timeoutMs: config.webhookTimeoutMs });
      },
      async forget(sessionId) {
        await outbox.forgetSession(sessionId);
      },
    };

    const timer = setInterval(kick, config.webhookPollMs);
    timer.unref();
    app.addHook('onReady', async () => kick());
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await worker.stop();
      if (client.isOpen) await client.close();
    });
    app.decorate('webhooks', webhooks);
    app.log.info('webhooks on');
  },
  { name: 'webhooks', dependencies: ['redis', 'registry'] },
);
