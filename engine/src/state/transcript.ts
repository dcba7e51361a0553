/**
 * The full transcript: an append-only Redis list per session, never rewritten. The model sees only
 * the bounded window in the graph state; this list is for people (resume, export).
 */
import type { TranscriptEntry } from '@chat/shared';
import { lockKey } from './lock.js';
import { lua, runScript, type RedisCommands } from './redis.js';

export const transcriptKey = (sessionId: string) => `tx:{${sessionId}}`;

/**
 * Append the turn's entries, cap the list, refresh its TTL and release the turn lock: one round trip.
 * KEYS: transcript, lock. ARGV: lock token, ttl seconds, max entries, entries...
 */
export const FINISH_TURN = lua(`
local n = #ARGV
if n > 3 then redis.call('RPUSH', KEYS[1], unpack(ARGV, 4, n)) end
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1`);

export async function finishTurn(
  r: RedisCommands, sessionId: string, lockToken: string, entries: TranscriptEntry[], ttlS: number, max: number,
): Promise<void> {
  await runScript(r, FINISH_TURN, [transcriptKey(sessionId), lockKey(sessionId)], [
    lockToken, String(ttlS), String(max), ...entries.map((e) => JSON.stringify(e)),
  ]);
}

export async function readTranscript(r: RedisCommands, sessionId: string): Promise<TranscriptEntry[]> {
  const raw = await r.lRange(transcriptKey(sessionId), 0, -1);
  return raw.map((s) => JSON.parse(s) as TranscriptEntry);
}
