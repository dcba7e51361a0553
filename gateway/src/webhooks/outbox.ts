/**
 * The webhook outbox in Redis, so deliveries survive a gateway restart and several gateways share
 * the work without sending the same attempt twice at once.
 * - `gw:outbox:{wh}`: sorted set, delivery id -> due time (ms).
 * - `gw:delivery:{wh}:<id>`: hash with the event (tenant, session, type, body, createdAt, dueAt)
 *   and its delivery record (status, attempts, lastStatus, lastError, lastAttemptAt); kept
 *   WEBHOOK_RETAIN_S.
 * - `gw:deliveries:{wh}:<tenant>`: list, the tenant's last 100 delivery ids (pings too), newest
 *   first; its TTL is refreshed to WEBHOOK_RETAIN_S at each push.
 * - `gw:session-deliveries:{wh}:<session>`: set, the session's delivery ids (for erasure);
 *   TTL refreshed to WEBHOOK_RETAIN_S at each add, so it outlives every record it names.
 * - `gw:session-update:{wh}:<session>`: the id of the session's latest `session.updated`
 *   delivery, which a newer update replaces while it is still waiting for its first attempt.
 * - `gw:webhook-disabled:{wh}:<tenant>`: the URL a 410 disabled.
 * All share the `{wh}` hash tag, so the multi-key scripts stay in one Redis Cluster slot, and every
 * key a script touches is passed in KEYS.
 * A claim moves a due delivery's score to the end of its lease; the score doubles as the lease
 * token: a settle only applies while the score is still the one this worker set.
 */
import { createHash, randomBytes } from 'node:crypto';
import { WEBHOOK_EVENT_TYPES, type DeliveryView, type WebhookEventType } from '@chat/shared';
import { defineLua, runScript, type ScriptRunner } from '@chat/shared/server';

export const OUTBOX = 'gw:outbox:{wh}';
export const deliveryKey = (id: string) => `gw:delivery:{wh}:${id}`;
export const disabledKey = (tenantId: string) => `gw:webhook-disabled:{wh}:${tenantId}`;
export const historyKey = (tenantId: string) => `gw:deliveries:{wh}:${tenantId}`;
export const sessionDeliveriesKey = (sessionId: string) => `gw:session-deliveries:{wh}:${sessionId}`;
export const pendingUpdateKey = (sessionId: string) => `gw:session-update:{wh}:${sessionId}`;

/** How many delivery ids a tenant's history keeps. */
export const HISTORY_MAX = 100;

export type EventType = WebhookEventType;
export const EVENT_TYPES: readonly EventType[] = WEBHOOK_EVENT_TYPES;

export type DeliveryStatus = DeliveryView['status'];

/** One id per (session, event type): enqueueing twice is a no-op, and the receiver dedupes on it. */
export function eventId(sessionId: string, type: EventType): string {
  return `msg_${createHash('sha256').update(`${sessionId}\n${type}`).digest('base64url').slice(0, 26)}`;
}

/** A fresh id, for what is not once per (session, type): each distinct update, each ping. */
export function newDeliveryId(): string {
  return `msg_${randomBytes(20).toString('base64url').slice(0, 26)}`;
}

export interface Delivery {
  id: string;
  tenantId: string;
  /** Absent on records written before sessions were recorded. */
  sessionId?: string;
  type: EventType;
  body: string;
  attempts: number;
  status: DeliveryStatus;
  /** The lease score this worker holds. */
  lease: number;
}

/** The node-redis commands used here: a single client and a cluster client both fit. */
export interface OutboxRedis extends ScriptRunner {
  hGetAll(key: string): Promise<unknown>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
  del(key: string): Promise<number>;
  lRange(key: string, start: number, stop: number): Promise<unknown>;
  zScore(key: string, member: string): Promise<unknown>;
  sMembers(key: string): Promise<unknown>;
}

// KEYS: record, outbox, tenant history, session index.
// ARGV: id, due, retainS, history max, '1' when KEYS[4] applies, then field/value pairs for the record.
const ENQUEUE = defineLua(
  'outboxEnqueue',
  `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 6))
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('LPUSH', KEYS[3], ARGV[1])
redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[4]) - 1)
redis.call('EXPIRE', KEYS[3], ARGV[3])
if ARGV[5] == '1' then
  redis.call('SADD', KEYS[4], ARGV[1])
  redis.call('EXPIRE', KEYS[4], ARGV[3])
end
return 1`,
);

// KEYS: update pointer, outbox, the pointed-at record (or the new one when none), new record,
// tenant history, session index.
// ARGV: pointed-at id read before ('' = none), new id, due, retainS, history max, body, then the
// new record's other field/value pairs.
// The pointed-at delivery is replaced only while nobody has touched it: still pending, no attempt
// recorded and its score still its own due time (a claim moves the score to the lease's end, so
// an attempt in flight with the old body is never changed under the worker's feet).
const ENQUEUE_UPDATE = defineLua(
  'outboxEnqueueUpdate',
  `
local cur = redis.call('GET', KEYS[1]) or ''
if cur ~= ARGV[1] then return {'retry', cur} end
if cur ~= '' then
  local r = redis.call('HMGET', KEYS[3], 'status', 'attempts', 'dueAt')
  local score = redis.call('ZSCORE', KEYS[2], cur)
  if r[1] == 'pending' and r[2] == '0' and r[3] and score and tonumber(score) == tonumber(r[3]) then
    redis.call('HSET', KEYS[3], 'body', ARGV[6], 'dueAt', ARGV[3])
    redis.call('ZADD', KEYS[2], ARGV[3], cur)
    redis.call('EXPIRE', KEYS[3], ARGV[4])
    redis.call('EXPIRE', KEYS[1], ARGV[4])
    redis.call('EXPIRE', KEYS[6], ARGV[4])
    return {'replaced', cur}
  end
end
redis.call('HSET', KEYS[4], 'body', ARGV[6], 'dueAt', ARGV[3], unpack(ARGV, 7))
redis.call('EXPIRE', KEYS[4], ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[4])
redis.call('SADD', KEYS[6], ARGV[2])
redis.call('EXPIRE', KEYS[6], ARGV[4])
redis.call('LPUSH', KEYS[5], ARGV[2])
redis.call('LTRIM', KEYS[5], 0, tonumber(ARGV[5]) - 1)
redis.call('EXPIRE', KEYS[5], ARGV[4])
return {'created', ARGV[2]}`,
);

// A settled delivery that never was in the outbox (a ping). KEYS: record, tenant history.
// ARGV: id, retainS, history max, then field/value pairs.
const RECORD_SETTLED = defineLua(
  'outboxRecordSettled',
  `
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('LPUSH', KEYS[2], ARGV[1])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 1`,
);

const CLAIM = defineLua(
  'outboxClaim',
  `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], ARGV[2], id) end
return ids`,
);

// ARGV: id, lease, next due ('' = leave the outbox), then field/value pairs for the record.
// A record that is gone (expired, or erased while the attempt was in flight) is not recreated.
const SETTLE = defineLua(
  'outboxSettle',
  `
local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not s or tonumber(s) ~= tonumber(ARGV[2]) then return 0 end
if ARGV[3] == '' then redis.call('ZREM', KEYS[1], ARGV[1]) else redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) end
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('HSET', KEYS[2], unpack(ARGV, 4)) end
return 1`,
);

// KEYS: outbox, session index, update pointer, tenant history, then one record per id.
// ARGV: '1' when KEYS[4] is the session's tenant history, then the ids.
// Returns {records deleted, ids still in the index (added meanwhile: the caller goes again)}.
const FORGET = defineLua(
  'outboxForget',
  `
local n = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  redis.call('ZREM', KEYS[1], id)
  n = n + redis.call('DEL', KEYS[3 + i])
  if ARGV[1] == '1' then redis.call('LREM', KEYS[4], 0, id) end
  redis.call('SREM', KEYS[2], id)
end
local left = redis.call('SCARD', KEYS[2])
if left == 0 then redis.call('DEL', KEYS[2], KEYS[3]) end
return {n, left}`,
);

/** The scripts a client the webhook outbox uses must be created with (newRedisClient's `scripts`). */
export const OUTBOX_SCRIPTS = [ENQUEUE, ENQUEUE_UPDATE, RECORD_SETTLED, CLAIM, SETTLE, FORGET];

/** The session id inside one of our event bodies (`data.sessionId`), for callers that do not pass it. */
function sessionIdOf(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { data?: { sessionId?: unknown } })?.data?.sessionId;
    return typeof id === 'string' && id ? id : undefined;
  } catch {
    return undefined;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

function toView(id: string, h: Record<string, string>, score: unknown): DeliveryView {
  const v: DeliveryView = {
    id,
    type: h.type as DeliveryView['type'],
    status: h.status as DeliveryStatus,
    attempts: Number(h.attempts ?? 0),
    createdAt: h.createdAt ?? '',
  };
  if (h.sessionId) v.sessionId = h.sessionId;
  if (h.lastStatus) v.lastStatus = Number(h.lastStatus);
  if (h.lastError) v.lastError = h.lastError;
  if (h.lastAttemptAt) v.lastAttemptAt = h.lastAttemptAt;
  // The outbox score: the due time, or while an attempt is in flight its lease's end (when a lost
  // attempt would be retried).
  if (v.status === 'pending' && score !== null && score !== undefined && Number.isFinite(Number(score))) v.nextAttemptAt = iso(Number(score));
  return v;
}

export class Outbox {
  constructor(
    private readonly redis: OutboxRedis,
    private readonly retainS: number,
  ) {}

  /**
   * Add an event once; false when that event id was already enqueued (or delivered). Recorded in
   * the tenant's history and the session's index. `sessionId` defaults to the body's `data.sessionId`.
   */
  async enqueue(id: string, tenantId: string, type: EventType, body: string, dueMs = Date.now(), sessionId = sessionIdOf(body)): Promise<boolean> {
    const fields: Record<string, string> = {
      tenantId,
      type,
      body,
      attempts: '0',
      status: 'pending',
      createdAt: new Date().toISOString(),
      dueAt: String(dueMs),
      ...(sessionId ? { sessionId } : {}),
    };
    const res = await runScript(
      this.redis,
      ENQUEUE,
      [deliveryKey(id), OUTBOX, historyKey(tenantId), sessionId ? sessionDeliveriesKey(sessionId) : deliveryKey(id)],
      [id, String(dueMs), String(this.retainS), String(HISTORY_MAX), sessionId ? '1' : '0', ...Object.entries(fields).flat()],
    );
    return res === 1;
  }

  /**
   * A completed session's data changed: send `session.updated` with `body` (the full data) after
   * `debounceMs`. While the session's previous update still waits for its first attempt, it takes
   * the new body and the new due time (newest wins, one request for a burst of edits); otherwise
   * a new delivery with a new id (receivers dedupe on ids). Returns the delivery's id.
   */
  async enqueueUpdate(sessionId: string, tenantId: string, body: string, debounceMs: number, nowMs = Date.now()): Promise<string> {
    const pointer = pendingUpdateKey(sessionId);
    for (let i = 0; i < 10; i++) {
      const cur = (await this.redis.get(pointer)) ?? '';
      const id = newDeliveryId();
      const due = nowMs + debounceMs;
      const fields = { tenantId, sessionId, type: 'session.updated', attempts: '0', status: 'pending', createdAt: iso(nowMs) };
      const res = strings(
        await runScript(
          this.redis,
          ENQUEUE_UPDATE,
          [pointer, OUTBOX, deliveryKey(cur || id), deliveryKey(id), historyKey(tenantId), sessionDeliveriesKey(sessionId)],
          [cur, id, String(due), String(this.retainS), String(HISTORY_MAX), body, ...Object.entries(fields).flat()],
        ),
      );
      if (res[0] !== 'retry') return res[1]!;
      // Another gateway moved the pointer between our read and the script: read it again.
    }
    throw new Error(`webhook update for session ${sessionId}: the update pointer kept changing`);
  }

  /** Take up to `limit` due deliveries for `leaseMs`; another worker sees them again only after it. */
  async claim(limit: number, leaseMs: number, nowMs = Date.now()): Promise<Delivery[]> {
    const lease = nowMs + leaseMs;
    const ids = (await runScript(this.redis, CLAIM, [OUTBOX], [String(nowMs), String(lease), String(limit)])) as string[];
    const out: Delivery[] = [];
    for (const id of ids) {
      const h = (await this.redis.hGetAll(deliveryKey(id))) as Record<string, string>;
      if (!h.body || !h.tenantId) {
        // Its record expired or was erased: nothing to send; it just leaves the outbox.
        await runScript(this.redis, SETTLE, [OUTBOX, deliveryKey(id)], [id, String(lease), '', 'status', 'failed']);
        continue;
      }
      out.push({
        id,
        tenantId: h.tenantId,
        type: h.type as EventType,
        body: h.body,
        attempts: Number(h.attempts ?? 0),
        status: 'pending',
        lease,
        ...(h.sessionId ? { sessionId: h.sessionId } : {}),
      });
    }
    return out;
  }

  /** Record an attempt's outcome; `nextDueMs` undefined takes the delivery out of the outbox. */
  async settle(d: Delivery, fields: Record<string, string>, nextDueMs?: number): Promise<boolean> {
    const all = nextDueMs === undefined ? fields : { ...fields, dueAt: String(nextDueMs) };
    const res = await runScript(
      this.redis,
      SETTLE,
      [OUTBOX, deliveryKey(d.id)],
      [d.id, String(d.lease), nextDueMs === undefined ? '' : String(nextDueMs), ...Object.entries(all).flat()],
    );
    return res === 1;
  }

  /** Record a delivery made outside the outbox (a test ping) in the tenant's history, already settled. */
  async recordSettled(
    id: string,
    tenantId: string,
    type: EventType | 'ping',
    body: string,
    outcome: { status: DeliveryStatus; lastStatus?: number; lastError?: string; attemptedAt: number },
  ): Promise<void> {
    const fields: Record<string, string> = {
      tenantId,
      type,
      body,
      attempts: '1',
      status: outcome.status,
      createdAt: iso(outcome.attemptedAt),
      lastAttemptAt: iso(outcome.attemptedAt),
      ...(outcome.lastStatus !== undefined ? { lastStatus: String(outcome.lastStatus) } : {}),
      ...(outcome.lastError !== undefined ? { lastError: outcome.lastError } : {}),
    };
    await runScript(
      this.redis,
      RECORD_SETTLED,
      [deliveryKey(id), historyKey(tenantId)],
      [id, String(this.retainS), String(HISTORY_MAX), ...Object.entries(fields).flat()],
    );
  }

  /**
   * The tenant's deliveries, newest first: up to `limit` of the last 100 ids whose record still
   * exists (expired ones are skipped, so fewer may come back).
   */
  async recent(tenantId: string, limit = HISTORY_MAX): Promise<DeliveryView[]> {
    const want = Math.max(0, Math.min(Math.floor(limit), HISTORY_MAX));
    if (want === 0) return [];
    const ids = [...new Set(strings(await this.redis.lRange(historyKey(tenantId), 0, HISTORY_MAX - 1)))];
    const out: DeliveryView[] = [];
    // In chunks of what is still wanted: usually one round, more only past expired ids.
    for (let i = 0; i < ids.length && out.length < want; ) {
      const chunk = ids.slice(i, i + Math.max(want - out.length, 10));
      i += chunk.length;
      const rows = await Promise.all(
        chunk.map(async (id) => {
          const [h, score] = await Promise.all([this.redis.hGetAll(deliveryKey(id)), this.redis.zScore(OUTBOX, id)]);
          return { id, h: h as Record<string, string>, score };
        }),
      );
      for (const { id, h, score } of rows) {
        if (out.length >= want) break;
        if (!h.tenantId || h.tenantId !== tenantId || !h.status) continue; // expired (or not this tenant's)
        out.push(toView(id, h, score));
      }
    }
    return out;
  }

  /**
   * Erasure: every delivery of the session leaves the outbox, its record is deleted and its id
   * leaves the tenant's history. An attempt already in flight cannot be recalled, but its outcome
   * is not recorded (the settle finds no record). Returns how many records were deleted.
   */
  async forgetSession(sessionId: string): Promise<number> {
    const index = sessionDeliveriesKey(sessionId);
    let deleted = 0;
    for (let i = 0; i < 10; i++) {
      const ids = strings(await this.redis.sMembers(index));
      let tenantId: string | undefined;
      for (const id of ids) {
        tenantId = ((await this.redis.hGetAll(deliveryKey(id))) as Record<string, string>).tenantId;
        if (tenantId) break;
      }
      const res = (await runScript(
        this.redis,
        FORGET,
        [OUTBOX, index, pendingUpdateKey(sessionId), historyKey(tenantId ?? ''), ...ids.map(deliveryKey)],
        [tenantId ? '1' : '0', ...ids],
      )) as number[];
      deleted += Number(res[0]);
      if (Number(res[1]) === 0) return deleted;
    }
    throw new Error(`webhook erasure of session ${sessionId}: deliveries kept being added`);
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
