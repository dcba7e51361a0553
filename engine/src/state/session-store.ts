/**
 * What a turn needs besides the checkpointer: the turn lock and the transcript. Redis in
 * production; an in-process map when REDIS_URL is unset (for trying things only).
 */
import type { TranscriptEntry } from '@chat/shared';
import { acquireLock, extendLock, releaseLock } from './lock.js';
import type { RedisCommands } from './redis.js';
import { finishTurn, readTranscript } from './transcript.js';

export interface SessionStore {
  acquireLock(sessionId: string, token: string, ttlMs: number): Promise<boolean>;
  releaseLock(sessionId: string, token: string): Promise<void>;
  extendLock(sessionId: string, token: string, ttlMs: number): Promise<boolean>;
  /** Append the turn to the transcript and release the lock together. */
  finishTurn(sessionId: string, token: string, entries: TranscriptEntry[]): Promise<void>;
  readTranscript(sessionId: string): Promise<TranscriptEntry[]>;
}

export interface StoreLimits {
  ttlS: number;
  transcriptMax: number;
}

export function redisSessionStore(r: RedisCommands, limits: StoreLimits): SessionStore {
  return {
    acquireLock: (id, token, ttl) => acquireLock(r, id, token, ttl),
    releaseLock: (id, token) => releaseLock(r, id, token),
    extendLock: (id, token, ttl) => extendLock(r, id, token, ttl),
    finishTurn: (id, token, entries) => finishTurn(r, id, token, entries, limits.ttlS, limits.transcriptMax),
    readTranscript: (id) => readTranscript(r, id),
  };
}

export function memorySessionStore(limits: StoreLimits): SessionStore {
  const locks = new Map<string, { token: string; until: number }>();
  const transcripts = new Map<string, TranscriptEntry[]>();
  return {
    async acquireLock(id, token, ttl) {
      const held = locks.get(id);
      if (held && held.until > Date.now()) return false;
      locks.set(id, { token, until: Date.now() + ttl });
      return true;
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
    async finishTurn(id, token, entries) {
      const list = [...(transcripts.get(id) ?? []), ...entries];
      transcripts.set(id, list.slice(-limits.transcriptMax));
      if (locks.get(id)?.token === token) locks.delete(id);
    },
    async readTranscript(id) {
      return transcripts.get(id) ?? [];
    },
  };
}
