/**
 * Per-session turn lock: SET NX PX, released by compare-and-delete so that a turn whose lock
 * expired can never release the lock of the turn that followed it.
 */
import { defineLua, runScript } from '@chat/shared/server';
import type { RedisCommands } from './redis.js';

export const lockKey = (sessionId: string) => `lock:{${sessionId}}`;

export const RELEASE = defineLua('lockRelease', `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`);

export const EXTEND = defineLua('lockExtend', `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`);

/** Keep a held lock alive; false when it was lost (expired and taken by another turn). */
export async function extendLock(r: RedisCommands, sessionId: string, token: string, ttlMs: number): Promise<boolean> {
  return (await runScript(r, EXTEND, [lockKey(sessionId)], [token, String(ttlMs)])) === 1;
}

export async function acquireLock(r: RedisCommands, sessionId: string, token: string, ttlMs: number): Promise<boolean> {
  const ok = await r.set(lockKey(sessionId), token, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } });
  return ok === 'OK';
}

export const PTTL = defineLua('lockPttl', `return redis.call('PTTL', KEYS[1])`);

/** Milliseconds left on the lock's lease (0 when it is free). */
export async function lockRemainingMs(r: RedisCommands, sessionId: string): Promise<number> {
  return Math.max(0, Number(await runScript(r, PTTL, [lockKey(sessionId)], [])));
}

export async function releaseLock(r: RedisCommands, sessionId: string, token: string): Promise<void> {
  await runScript(r, RELEASE, [lockKey(sessionId)], [token]);
}
