/**
 * What a turn needs besides the checkpointer: the turn lock and the transcript. Redis in
 * production; an in-process map when REDIS_URL is unset (for trying things only).
 */
import type { TranscriptEntry } from '@chat/shared';
import { acquireLock, extendLock, lockRemainingMs, releaseLock } from './lock.js';
import type { RedisCommands } from './redis.js';
import { deleteSession, finishTurn, readTranscript, startTurn, toTranscriptEntry, type StoredEntry } from './transcript.js';

export interface SessionStore {
  acquireLock(sessionId: string, token: string, ttlMs: number): Promise<boolean>;
  /** Take the lock and read the transcript's last `tail` entries together; null when the lock is held. */
  startTurn(sessionId: string, token: string, ttlMs: number, tail: number): Promise<StoredEntry[] | null>;
  releaseLock(sessionId: string, token: string): Promise<void>;
  extendLock(sessionId: string, token: string, ttlMs: number): Promise<boolean>;
  /** What is left of the lock's lease in ms (0 when free): a refused turn's Retry-After. */
  lockRemainingMs(sessionId: string): Promise<number>;
  /** Append the turn to the transcript and release the lock together. */
  finishTurn(sessionId: string, token: string, entries: StoredEntry[]): Promise<void>;
  readTranscript(sessionId: string): Promise<TranscriptEntry[]>;
  /** Erase the session's transcript and release the lock `token` holds (the caller took it to erase). */
  deleteSession(sessionId: string, token: string): Promise<void>;
}

export interface StoreLimits {
  ttlS: number;
  transcriptMax: number;
  /** Replies that keep their replay payload in the transcript (RECENT_REPLIES). */
  recentReplies: number;
}

export function redisSessionStore(r: RedisCommands, limits: StoreLimits): SessionStore {
  return {
    acquireLock: (id, token, ttl) => acquireLock(r, id, token, ttl),
    startTurn: (id, token, ttl, tail) => startTurn(r, id, token, ttl, tail),
    releaseLock: (id, token) => releaseLock(r, id, token),
    extendLock: (id, token, ttl) => extendLock(r, id, token, ttl),
    lockRemainingMs: (id) => lockRemainingMs(r, id),
    finishTurn: (id, token, entries) => finishTurn(r, id, token, entries, { ttlS: limits.ttlS, max: limits.transcriptMax, replies: limits.recentReplies }),
    readTranscript: (id) => readTranscript(r, id),
    deleteSession: (id, token) => deleteSession(r, id, token),
  };
}

export function memorySessionStore(limits: StoreLimits): SessionStore {
  const locks = new Map<string, { token: string; until: number }>();
  const transcripts = new Map<string, StoredEntry[]>();
  const acquire = (id: string, token: string, ttl: number) => {
    const held = locks.get(id);
    if (held && held.until > Date.now()) return false;
    locks.set(id, { token, until: Date.now() + ttl });
    return true;
  };
  return {
    async acquireLock(id, token, ttl) {
      return acquire(id, token, ttl);
    },
    async startTurn(id, token, ttl, tail) {
      if (!acquire(id, token, ttl)) return null;
      return tail > 0 ? (transcripts.get(id) ?? []).slice(-tail) : [];
    },
    async releaseLock(id, token) {
      if (locks.get(id)?.token === token) locks.delete(id);
    },
    async extendLock(id, token, ttl) {
      const held = locks.get(id);
      if (held?.token !== token) return false;
      held.until = Date.now() + ttl;
      return true;
    },
    async lockRemainingMs(id) {
      return Math.max(0, (locks.get(id)?.until ?? 0) - Date.now());
    },
    async finishTurn(id, token, entries) {
      // A copy, as Redis would hold: nothing the caller keeps can change the stored lines.
      const list = [...(transcripts.get(id) ?? []), ...structuredClone(entries)];
      // As FINISH_TURN does: the reply that left the replay memory keeps only its transcript line.
      const past = list.length - (2 * limits.recentReplies + 1);
      if (past >= 0 && list[past]!.replay) list[past] = toTranscriptEntry(list[past]!);
      transcripts.set(id, list.slice(-limits.transcriptMax));
      if (locks.get(id)?.token === token) locks.delete(id);
    },
    async readTranscript(id) {
      return (transcripts.get(id) ?? []).map(toTranscriptEntry);
    },
    async deleteSession(id, token) {
      transcripts.delete(id);
      if (locks.get(id)?.token === token) locks.delete(id);
    },
  };
}
