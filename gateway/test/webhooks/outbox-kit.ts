/** Test setup for the webhooks library: a real redis-server, an Outbox on it, and a worker over a fixed tenant list. */
import { createClient } from 'redis';
import { scriptsOption } from '@chat/shared/server';
import { startRedis, waitFor, type RedisServer } from '../../../scripts/testkit/index.js';
import { OUTBOX_SCRIPTS, Outbox } from '../../src/webhooks/outbox.js';
import { DeliveryWorker } from '../../src/webhooks/worker.js';
import type { WebhookConfig } from '../../src/webhooks/config.js';
import type { TenantRegistry } from '../../src/tenants.js';
// @ts-expect-error: a plain .mjs example, imported as the docs show it
import { verifyWebhook } from '../../../docs/examples/verify-webhook.mjs';

export const verify = verifyWebhook as (s: string, h: object, body: string) => { event: any; done(): void };
export const RETAIN_S = 3600;

export interface Kit {
  redis: RedisServer;
  db: ReturnType<typeof createClient>;
  outbox: Outbox;
  webhooks: Map<string, WebhookConfig>;
  worker(retryScheduleMs?: number[]): DeliveryWorker;
  /** Tick until the record of `id` satisfies `pred`. */
  until(w: DeliveryWorker, id: string, pred: (r: Record<string, string>) => boolean, what: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export async function startKit(): Promise<Kit> {
  const redis = await startRedis();
  const db = createClient({ url: redis.url, scripts: scriptsOption(OUTBOX_SCRIPTS) });
  await db.connect();
  const outbox = new Outbox(db, RETAIN_S);
  const webhooks = new Map<string, WebhookConfig>();
  const tenants = {
    get tenants() {
      return new Map([...webhooks].map(([id, webhook]) => [id, { id, webhook }]));
    },
  } as unknown as TenantRegistry;
  const workers: DeliveryWorker[] = [];
  const log = { info: () => {}, warn: () => {}, error: () => {} };
  return {
    redis,
    db,
    outbox,
    webhooks,
    worker(retryScheduleMs = [100, 100, 100]) {
      const w = new DeliveryWorker({ outbox, tenants, retryScheduleMs, timeoutMs: 2000, batch: 10, log });
      workers.push(w);
      return w;
    },
    async until(w, id, pred, what) {
      let rec: Record<string, string> = {};
      await waitFor(
        async () => {
          await w.tick();
          rec = (await outbox.record(id)) ?? {};
          return pred(rec);
        },
        10_000,
        what,
      );
      return rec;
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await db.close();
      await redis.stop();
    },
  };
}
