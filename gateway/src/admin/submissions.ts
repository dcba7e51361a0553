/**
 * The back office's leads: one submission per (tenant, session), in Redis or, for trying things
 * without Redis, in this process. Both stores share the merge rules, the cursor and the filtered
 * newest-first walk; they differ only in how they read a range of the index and load documents.
 *
 * Redis layout, every key of a tenant under the `{t:<tenantId>}` hash tag (one cluster slot, so
 * the multi-key scripts never span two):
 * - `bo:sub:{t:<tenant>}:<id>`             string  the submission's JSON
 * - `bo:subsess:{t:<tenant>}:<sessionId>`  string  the id of that session's submission
 * - `bo:subs:{t:<tenant>}`                 zset    ids scored by createdAt (ms): the list's index
 * Retention: both strings expire `retain` after the submission's createdAt (an update keeps that
 * deadline), and every write trims the index of the entries past it (ZREMRANGEBYSCORE), so
 * nothing dangles for long; a listing also skips an id whose key is gone. No KEYS, no SCAN.
 *
 * Upsert is optimistic: read the session's current document, merge in JS, then one script writes
 * only if the session mapping and the document are still exactly what was read (else read again).
 * Two gateways upserting one session at once: the first creates, the second re-reads and updates.
 */
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { AppError, SUBMISSION_STATUSES, type Submission, type SubmissionPage, type SubmissionStatus } from '@chat/shared';
import { defineLua, runScript, type ScriptRunner } from '@chat/shared/server';
import { guarded } from '../redis-client.js';

export interface SubmissionFilter {
  status?: SubmissionStatus;
  site?: string;
  /** ISO date-time, inclusive: createdAt >= since. */
  since?: string;
  /** ISO date-time, exclusive: createdAt < until. */
  until?: string;
}

export type SubmissionInput = Omit<Submission, 'id' | 'createdAt' | 'updatedAt' | 'completedAt'>;

export interface SubmissionStore {
  /**
   * Create or update the submission of (tenantId, sessionId): one per session. On create: a new id
   * `sub_<22 url-safe random chars>`, createdAt = now. An update keeps id and createdAt, sets
   * updatedAt, and completedAt the first time the status is 'complete' (kept after). A 'complete'
   * submission never goes back to 'abandoned'. `changed`: its status or data differ from before
   * (always true on create).
   */
  upsert(input: SubmissionInput): Promise<{ submission: Submission; created: boolean; changed: boolean }>;
  get(tenantId: string, id: string): Promise<Submission | null>;
  bySession(tenantId: string, sessionId: string): Promise<Submission | null>;
  /**
   * Newest first (createdAt, then id, both descending), filtered. `cursor` is the previous page's
   * opaque `next`; a bad one throws AppError('validation_failed'). limit: default 50, 1..500. A
   * page holds `limit` items whenever that many more match; `next` is null exactly on the last.
   */
  list(tenantId: string, filter: SubmissionFilter & { limit?: number; cursor?: string }): Promise<SubmissionPage>;
  /** Every match, newest first, read `batch` index entries at a time (export): memory stays flat. */
  iterate(tenantId: string, filter: SubmissionFilter, batch?: number): AsyncIterable<Submission>;
  /** Removes it and its index entries; returns what was removed (null if none). Idempotent. */
  delete(tenantId: string, id: string): Promise<Submission | null>;
}

export interface SubmissionStoreOptions {
  /** Submissions older than this (by createdAt) are gone. May be fractional. */
  retainDays: number;
  /** Overrides retainDays (tests). */
  retainMs?: number;
  /** The clock (tests); Date.now by default. */
  now?: () => number;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;
const DEFAULT_BATCH = 500;
const MAX_BATCH = 1000;
const ID_RE = /^sub_[A-Za-z0-9_-]{22}$/;
/** RFC 3339 date-time (JSON Schema's `date-time`). */
const ISO_RE = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const CURSOR_RE = /^(\d{1,16}):(sub_[A-Za-z0-9_-]{22})$/;

const tag = (tenantId: string) => `{t:${tenantId}}`;
export const submissionKey = (tenantId: string, id: string) => `bo:sub:${tag(tenantId)}:${id}`;
export const submissionSessionKey = (tenantId: string, sessionId: string) => `bo:subsess:${tag(tenantId)}:${sessionId}`;
export const submissionIndexKey = (tenantId: string) => `bo:subs:${tag(tenantId)}`;

export const newSubmissionId = () => `sub_${randomBytes(16).toString('base64url')}`;

// ---------------------------------------------------------------------------------------------
// What both stores share.

/** A place in the index: newest first means descending (score, id). */
interface Pos {
  score: number;
  id: string;
}

const invalid = (message: string) => new AppError('validation_failed', message);

function retention(opts: SubmissionStoreOptions): number {
  const ms = opts.retainMs ?? opts.retainDays * 86_400_000;
  if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`submission retention must be > 0 ms, got ${ms}`);
  return Math.max(1, Math.round(ms));
}

export function encodeCursor(pos: Pos): string {
  return Buffer.from(`${pos.score}:${pos.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): Pos {
  const m = typeof cursor === 'string' && /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? CURSOR_RE.exec(Buffer.from(cursor, 'base64url').toString('latin1')) : null;
  if (!m) throw invalid('The cursor is not one this list returned.');
  return { score: Number(m[1]), id: m[2]! };
}

function isoMs(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' && ISO_RE.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw invalid(`${name} must be an ISO date-time.`);
  return ms;
}

interface Walk {
  status?: SubmissionStatus;
  site?: string;
  /** Inclusive score bounds. */
  min: number;
  max: number;
}

/** Checks a filter and turns it into score bounds; `now` and the retention cut off the expired. */
function walkOf(filter: SubmissionFilter, now: number, retainMs: number): Walk {
  if (filter.status !== undefined && !SUBMISSION_STATUSES.includes(filter.status)) throw invalid('status is not a submission status.');
  if (filter.site !== undefined && typeof filter.site !== 'string') throw invalid('site must be a string.');
  const since = isoMs(filter.since, 'since');
  const until = isoMs(filter.until, 'until');
  return {
    status: filter.status,
    site: filter.site,
    min: Math.max(since ?? -Infinity, now - retainMs + 1),
    max: until === undefined ? Infinity : until - 1,
  };
}

const matches = (w: Walk, s: Submission) => (w.status === undefined || s.status === w.status) && (w.site === undefined || s.siteId === w.site);

/** How a store reads its index and documents. */
interface Backend {
  /**
   * Up to `count` entries strictly after `after` (newest-first order), with min <= score <= max;
   * `more` false when none are left beyond them.
   */
  range(tenantId: string, after: Pos | null, min: number, max: number, count: number): Promise<{ entries: Pos[]; more: boolean }>;
  /** The live documents of these ids, null where gone or expired. */
  load(tenantId: string, ids: string[]): Promise<Array<Submission | null>>;
}

/** The matches, newest first, from after `after`; reads `batch` index entries per step. */
async function* walk(b: Backend, tenantId: string, w: Walk, batch: number, after: Pos | null): AsyncGenerator<{ pos: Pos; sub: Submission }> {
  if (w.min > w.max) return;
  let pos = after;
  for (;;) {
    const { entries, more } = await b.range(tenantId, pos, w.min, w.max, batch);
    if (!entries.length) return;
    const docs = await b.load(
      tenantId,
      entries.map((e) => e.id),
    );
    for (let i = 0; i < entries.length; i++) {
      const sub = docs[i];
      if (sub && matches(w, sub)) yield { pos: entries[i]!, sub };
    }
    if (!more) return;
    pos = entries[entries.length - 1]!;
  }
}

function limitOf(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw invalid(`limit must be an integer from 1 to ${MAX_LIMIT}.`);
  return limit;
}

function batchOf(batch: number | undefined): number {
  if (batch === undefined) return DEFAULT_BATCH;
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer, got ${batch}`);
  return Math.min(batch, MAX_BATCH);
}

async function listWith(
  b: Backend,
  tenantId: string,
  q: SubmissionFilter & { limit?: number; cursor?: string },
  now: number,
  retainMs: number,
): Promise<SubmissionPage> {
  const limit = limitOf(q.limit);
  const after = q.cursor === undefined ? null : decodeCursor(q.cursor);
  const w = walkOf(q, now, retainMs);
  const items: Submission[] = [];
  let last: Pos | null = null;
  // One match beyond the page tells whether there is a next one.
  for await (const { pos, sub } of walk(b, tenantId, w, Math.min(MAX_LIMIT, Math.max(2 * limit, 20)), after)) {
    if (items.length === limit) return { items, next: encodeCursor(last!) };
    items.push(sub);
    last = pos;
  }
  return { items, next: null };
}

async function* iterateWith(
  b: Backend,
  tenantId: string,
  filter: SubmissionFilter,
  batch: number | undefined,
  now: () => number,
  retainMs: number,
): AsyncGenerator<Submission> {
  const w = walkOf(filter, now(), retainMs);
  for await (const { sub } of walk(b, tenantId, w, batchOf(batch), null)) yield sub;
}

function checkInput(input: SubmissionInput): void {
  const str = (v: unknown) => typeof v === 'string' && v.length > 0;
  if (!input || !str(input.tenantId) || !str(input.sessionId)) throw new TypeError('a submission needs tenantId and sessionId');
  if (!SUBMISSION_STATUSES.includes(input.status)) throw new TypeError(`not a submission status: ${String(input.status)}`);
}

/** JSON's view of a value: what a store keeps and gives back (undefined members dropped). */
const plain = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

/** The merge rules of an upsert, shared by both stores. */
export function mergeSubmission(
  cur: Submission | null,
  input: SubmissionInput,
  nowMs: number,
  newId: () => string,
): { submission: Submission; created: boolean; changed: boolean } {
  const now = new Date(nowMs).toISOString();
  const data = plain(input.data ?? {});
  const context = plain(input.context ?? {});
  const status: SubmissionStatus = cur?.status === 'complete' ? 'complete' : input.status;
  const completedAt = cur?.completedAt ?? (status === 'complete' ? now : undefined);
  const submission: Submission = {
    id: cur?.id ?? newId(),
    sessionId: cur?.sessionId ?? input.sessionId,
    tenantId: cur?.tenantId ?? input.tenantId,
    siteId: input.siteId,
    templateId: input.templateId,
    templateVersion: input.templateVersion,
    status,
    data,
    context,
    createdAt: cur?.createdAt ?? now,
    ...(completedAt ? { completedAt } : {}),
    updatedAt: now,
  };
  const changed = !cur || cur.status !== status || !isDeepStrictEqual(cur.data, data);
  return { submission, created: !cur, changed };
}

function parse(raw: string | null | undefined): Submission | null {
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Submission;
    return s && typeof s === 'object' && typeof s.id === 'string' && typeof s.createdAt === 'string' ? s : null;
  } catch {
    return null;
  }
}

const createdMs = (s: Submission) => Date.parse(s.createdAt);

// ---------------------------------------------------------------------------------------------
// Redis.

/** The node-redis commands used here: a single client and a cluster client both fit. */
export interface SubmissionsRedis extends ScriptRunner {
  get(key: string): Promise<unknown>;
  mGet(keys: string[]): Promise<unknown>;
  zRangeWithScores(key: string, start: string, stop: string, opts: { BY: 'SCORE'; REV: true; LIMIT: { offset: number; count: number } }): Promise<unknown>;
}

// Write a merged document if nothing moved since it was read. KEYS: document, session, index.
// ARGV: id, the session's id as read ('' = none), the document as read ('' = none), new JSON,
// TTL ms, score (createdAt ms), trim cutoff (scores <= it are past the retention).
const UPSERT = defineLua(
  'submissionUpsert',
  `
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[2] then return 0 end
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[3] then return 0 end
if ARGV[2] ~= '' and ARGV[2] ~= ARGV[1] then redis.call('ZREM', KEYS[3], ARGV[2]) end
redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[5])
redis.call('ZADD', KEYS[3], ARGV[6], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[7])
return 1`,
);

// Remove a document, its index entry and (KEYS[3], when known) its session's mapping if it is
// still this id. KEYS: document, index[, session]. ARGV: id. Returns what was removed.
const DELETE = defineLua(
  'submissionDelete',
  `
local v = redis.call('GET', KEYS[1])
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if KEYS[3] and redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
return v`,
);

// The `count` index entries after ARGV[1] (newest first), as member, score, ...; nil when that
// member is not in the index (any more) at score ARGV[2]. KEYS: index.
const RANGE_AFTER = defineLua(
  'submissionRangeAfter',
  `
local r = redis.call('ZREVRANK', KEYS[1], ARGV[1])
if not r or tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1])) ~= tonumber(ARGV[2]) then return false end
return redis.call('ZREVRANGE', KEYS[1], r + 1, r + tonumber(ARGV[3]), 'WITHSCORES')`,
);

/** The scripts a client the submission store uses must be created with (newRedisClient's `scripts`). */
export const SUBMISSION_SCRIPTS = [UPSERT, DELETE, RANGE_AFTER];

const MAX_UPSERT_TRIES = 20;

const scoreArg = (n: number) => (n === Infinity ? '+inf' : n === -Infinity ? '-inf' : String(n));

export function redisSubmissions(client: SubmissionsRedis, opts: SubmissionStoreOptions): SubmissionStore {
  const retainMs = retention(opts);
  const clock = opts.now ?? Date.now;
  const live = (s: Submission | null, now: number) => (s && createdMs(s) > now - retainMs ? s : null);
  const getRaw = async (key: string) => (await client.get(key)) as string | null;
  const zRange = async (key: string, max: number, min: number, offset: number, count: number) =>
    (await client.zRangeWithScores(key, scoreArg(max), scoreArg(min), { BY: 'SCORE', REV: true, LIMIT: { offset, count } })) as Array<{
      value: string;
      score: number;
    }>;

  const backend: Backend = {
    range: (tenantId, after, min, max, count) =>
      guarded(async () => {
        const key = submissionIndexKey(tenantId);
        const pos = (r: { value: string; score: number }) => ({ score: r.score, id: r.value });
        if (!after || after.score > max) {
          const rows = await zRange(key, max, min, 0, count);
          return { entries: rows.map(pos), more: rows.length === count };
        }
        // Where `after` still is in the index: the next `count` by rank, one round trip.
        const flat = (await runScript(client, RANGE_AFTER, [key], [after.id, String(after.score), String(count)])) as string[] | null;
        if (flat) {
          const entries: Pos[] = [];
          for (let i = 0; i < flat.length; i += 2) {
            const score = Number(flat[i + 1]);
            if (score < min) return { entries, more: false };
            entries.push({ score, id: flat[i]! });
          }
          return { entries, more: entries.length === count };
        }
        // `after` left the index (deleted, trimmed): from after.score down, where the entries tied
        // with it at ids >= after.id were seen already. Newest-first order puts them first, so skip
        // that prefix (batch after batch if it is long).
        for (let offset = 0; ; ) {
          const rows = await zRange(key, after.score, min, offset, count);
          const fresh = rows.filter((r) => r.score < after.score || r.value < after.id).map(pos);
          if (fresh.length || rows.length < count) return { entries: fresh, more: rows.length === count };
          offset += rows.length;
        }
      }),
    load: (tenantId, ids) =>
      guarded(async () => {
        if (!ids.length) return [];
        const raws = (await client.mGet(ids.map((id) => submissionKey(tenantId, id)))) as Array<string | null>;
        const now = clock();
        return raws.map((raw) => live(parse(raw), now));
      }),
  };

  const get = async (tenantId: string, id: string) => {
    if (typeof id !== 'string' || !ID_RE.test(id)) return null;
    return live(parse(await guarded(() => getRaw(submissionKey(tenantId, id)))), clock());
  };

  return {
    async upsert(input) {
      checkInput(input);
      const { tenantId, sessionId } = input;
      const sessKey = submissionSessionKey(tenantId, sessionId);
      const index = submissionIndexKey(tenantId);
      return guarded(async () => {
        for (let i = 0; i < MAX_UPSERT_TRIES; i++) {
          const now = clock();
          const mapped = await getRaw(sessKey);
          const curRaw = mapped ? await getRaw(submissionKey(tenantId, mapped)) : null;
          // A document past the retention (or unreadable) is replaced by a new submission.
          const cur = live(parse(curRaw), now);
          const out = mergeSubmission(cur, input, now, newSubmissionId);
          const { id } = out.submission;
          const created = createdMs(out.submission);
          const ttl = Math.max(1, created + retainMs - now);
          const ok = await runScript(
            client,
            UPSERT,
            [submissionKey(tenantId, id), sessKey, index],
            [id, mapped ?? '', cur ? curRaw! : '', JSON.stringify(out.submission), String(ttl), String(created), String(now - retainMs)],
          );
          if (ok === 1) return out;
        }
        throw new Error(`submission upsert of session ${sessionId}: still contended after ${MAX_UPSERT_TRIES} tries`);
      });
    },
    get,
    async bySession(tenantId, sessionId) {
      const id = await guarded(() => getRaw(submissionSessionKey(tenantId, sessionId)));
      return id ? get(tenantId, id) : null;
    },
    list: (tenantId, q) => listWith(backend, tenantId, q, clock(), retainMs),
    iterate: (tenantId, filter, batch) => iterateWith(backend, tenantId, filter, batch, clock, retainMs),
    async delete(tenantId, id) {
      if (typeof id !== 'string' || !ID_RE.test(id)) return null;
      const key = submissionKey(tenantId, id);
      const index = submissionIndexKey(tenantId);
      return guarded(async () => {
        const seen = parse(await getRaw(key));
        const keys = seen ? [key, index, submissionSessionKey(tenantId, seen.sessionId)] : [key, index];
        const removed = parse((await runScript(client, DELETE, keys, [id])) as string | null);
        return live(removed, clock());
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Memory: one process, lost on restart.

const cmp = (a: Pos, b: Pos) => a.score - b.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

interface TenantSubs {
  docs: Map<string, Submission>;
  sessions: Map<string, string>;
  /** Ascending (score, id). */
  index: Pos[];
}

export function memorySubmissions(opts: SubmissionStoreOptions): SubmissionStore {
  const retainMs = retention(opts);
  const clock = opts.now ?? Date.now;
  const tenants = new Map<string, TenantSubs>();
  const of = (tenantId: string) => {
    let t = tenants.get(tenantId);
    if (!t) tenants.set(tenantId, (t = { docs: new Map(), sessions: new Map(), index: [] }));
    return t;
  };
  const live = (s: Submission | undefined, now: number) => (s && createdMs(s) > now - retainMs ? structuredClone(s) : null);
  /** First index whose entry is not below `p`. */
  const lowerBound = (index: Pos[], p: Pos) => {
    let lo = 0;
    let hi = index.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(index[mid]!, p) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const unindex = (t: TenantSubs, s: Submission) => {
    const i = lowerBound(t.index, { score: createdMs(s), id: s.id });
    if (t.index[i]?.id === s.id) t.index.splice(i, 1);
  };
  const remove = (t: TenantSubs, id: string) => {
    const s = t.docs.get(id);
    if (!s) return undefined;
    t.docs.delete(id);
    if (t.sessions.get(s.sessionId) === id) t.sessions.delete(s.sessionId);
    unindex(t, s);
    return s;
  };
  /** Drop what is past the retention: the oldest entries, at the front of the index. */
  const trim = (t: TenantSubs, now: number) => {
    while (t.index.length && t.index[0]!.score <= now - retainMs) remove(t, t.index[0]!.id) ?? t.index.shift();
  };

  const backend: Backend = {
    async range(tenantId, after, min, max, count) {
      const index = tenants.get(tenantId)?.index ?? [];
      // Entries before `end` are <= max and strictly below `after`.
      let end = lowerBound(index, { score: max, id: '\uffff' });
      if (after) end = Math.min(end, lowerBound(index, after));
      const entries: Pos[] = [];
      let i = end - 1;
      for (; i >= 0 && entries.length < count && index[i]!.score >= min; i--) entries.push({ ...index[i]! });
      return { entries, more: i >= 0 && index[i]!.score >= min };
    },
    async load(tenantId, ids) {
      const t = tenants.get(tenantId);
      const now = clock();
      return ids.map((id) => live(t?.docs.get(id), now));
    },
  };

  const get = async (tenantId: string, id: string) => live(tenants.get(tenantId)?.docs.get(id), clock());

  return {
    async upsert(input) {
      checkInput(input);
      const now = clock();
      const t = of(input.tenantId);
      trim(t, now);
      const mapped = t.sessions.get(input.sessionId);
      const cur = mapped ? live(t.docs.get(mapped), now) : null;
      if (mapped && !cur) remove(t, mapped);
      const out = mergeSubmission(cur, input, now, newSubmissionId);
      const s = out.submission;
      t.docs.set(s.id, structuredClone(s));
      t.sessions.set(s.sessionId, s.id);
      if (out.created) {
        const p = { score: createdMs(s), id: s.id };
        t.index.splice(lowerBound(t.index, p), 0, p);
      }
      return out;
    },
    get,
    async bySession(tenantId, sessionId) {
      const id = tenants.get(tenantId)?.sessions.get(sessionId);
      return id ? get(tenantId, id) : null;
    },
    list: async (tenantId, q) => listWith(backend, tenantId, q, clock(), retainMs),
    iterate: (tenantId, filter, batch) => iterateWith(backend, tenantId, filter, batch, clock, retainMs),
    async delete(tenantId, id) {
      const t = tenants.get(tenantId);
      const removed = t ? remove(t, id) : undefined;
      return live(removed, clock());
    },
  };
}
