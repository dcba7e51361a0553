/**
 * The webhook outbox in Redis, so deliveries survive a gateway restart and several gateways share
 * the work without sending the same attempt twice at once.
 * - `gw:outbox:{wh}`: sorted set, delivery id -> due time (ms).
 * - `gw:delivery:{wh}:<id>`: hash with the event (tenant, type, body) and its delivery record.
 * - `gw:webhook-disabled:{wh}:<tenant>`: the URL a 410 disabled.
 * All share the `{wh}` hash tag, so the multi-key scripts stay in one Redis Cluster slot.
 * A claim moves a due delivery's score to the end of its lease; the score doubles as the lease
 * token: a settle only applies while the score is still the one this worker set.
 */
import { createHash } from 'node:crypto';
import { evalCached, type ScriptClient } from '../redis-scripts.js';

export const OUTBOX = 'gw:outbox:{wh}';
export const deliveryKey = (id: string) => `gw:delivery:{wh}:${id}`;
export const disabledKey = (tenantId: string) => `gw:webhook-disabled:{wh}:${tenantId}`;

export type EventType = 'session.completed' | 'session.abandoned';
export const EVENT_TYPES: readonly EventType[] = ['session.completed', 'session.abandoned'];

/** One id per (session, event type): enqueueing twice is a no-op, and the receiver dedupes on it. */
export function eventId(sessionId: string, type: EventType): string {
  return `msg_${createHash('sha256').update(`${sessionId}\n${type}`).digest('base64url').slice(0, 26)}`;
}

export interface Delivery {
  id: string;
  tenantId: string;
  type: EventType;
  body: string;
  attempts: number;
  status: 'pending' | 'delivered' | 'failed' | 'disabled' | 'refused';
  /** The lease score this worker holds. */
  lease: number;
}

/** The node-redis commands used here: a single client and a cluster client both fit. */
export interface OutboxRedis extends ScriptClient {
  hGetAll(key: string): Promise<unknown>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
  del(key: string): Promise<number>;
}

const ENQUEUE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[3])
return 1`;

const CLAIM = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], ARGV[2], id) end
return ids`;

// ARGV: id, lease, next due ('' = leave the outbox), then field/value pairs for the record.
const SETTLE = `
local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not s or tonumber(s) ~= tonumber(ARGV[2]) then return 0 end
if ARGV[3] == '' then redis.call('ZREM', KEYS[1], ARGV[1]) else redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) end
redis.call('HSET', KEYS[2], unpack(ARGV, 4))
return 1`;

export class Outbox {
  constructor(private readonly redis: OutboxRedis, private readonly retainS: number) {}

  /** Add an event once; false when that event id was already enqueued (or delivered). */
  async enqueue(id: string, tenantId: string, type: EventType, body: string, dueMs = Date.now()): Promise<boolean> {
    const fields = { tenantId, type, body, attempts: '0', status: 'pending', createdAt: new Date().toISOString() };
    const res = await evalCached(this.redis, ENQUEUE, {
      keys: [deliveryKey(id), OUTBOX],
      arguments: [String(dueMs), String(this.retainS), id, ...Object.entries(fields).flat()],
    });
    return res === 1;
  }

  /** Take up to `limit` due deliveries for `leaseMs`; another worker sees them again only after it. */
  async claim(limit: number, leaseMs: number, nowMs = Date.now()): Promise<Delivery[]> {
    const lease = nowMs + leaseMs;
    const ids = (await evalCached(this.redis, CLAIM, { keys: [OUTBOX], arguments: [String(nowMs), String(lease), String(limit)] })) as string[];
    const out: Delivery[] = [];
    for (const id of ids) {
      const h = (await this.redis.hGetAll(deliveryKey(id))) as Record<string, string>;
      if (!h.body || !h.tenantId) {
        // Its record expired or was never written: nothing to send.
        await evalCached(this.redis, SETTLE, { keys: [OUTBOX, deliveryKey(id)], arguments: [id, String(lease), '', 'status', 'failed'] });
        continue;
      }
      out.push({ id, tenantId: h.tenantId, type: h.type as EventType, body: h.body, attempts: Number(h.attempts ?? 0), status: 'pending', lease });
    }
    return out;
  }

  /** Record an attempt's outcome; `nextDueMs` undefined takes the delivery out of the outbox. */
  async settle(d: Delivery, fields: Record<string, string>, nextDueMs?: number): Promise<boolean> {
    const res = await evalCached(this.redis, SETTLE, {
      keys: [OUTBOX, deliveryKey(d.id)],
      arguments: [d.id, String(d.lease), nextDueMs === undefined ? '' : String(nextDueMs), ...Object.entries(fields).flat()],
    });
    return res === 1;
  }

  async record(id: string): Promise<Record<string, string> | null> {
    const h = (await this.redis.hGetAll(deliveryKey(id))) as Record<string, string>;
    return Object.keys(h).length ? { ...h } : null;
  }

  async disabledUrl(tenantId: string): Promise<string | null> {
    return this.redis.get(disabledKey(tenantId));
  }

  async disable(tenantId: string, url: string): Promise<void> {
    await this.redis.set(disabledKey(tenantId), url);
  }
}
