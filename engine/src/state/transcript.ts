/**
 * The full transcript: an append-only Redis list per session, never rewritten. It is also the
 * conversation's memory: each turn reads its tail (the window the model sees, and the replies a
 * retried message id replays) with the lock, so the checkpoint holds the form and nothing that
 * grows with the conversation.
 */
import type { DataEventData, SessionStatus, TranscriptEntry } from '@chat/shared';
import { lockKey } from './lock.js';
import { defineLua, runScript } from '@chat/shared/server';
import type { RedisCommands } from './redis.js';

export const transcriptKey = (sessionId: string) => `tx:{${sessionId}}`;

/** A line as stored. An assistant line also keeps what a replay of its turn must send again. */
export interface StoredEntry extends TranscriptEntry {
  replay?: { status: SessionStatus; data: DataEventData };
}

/** The shared TranscriptEntry shape, exactly: what the engine keeps for replay stays inside. */
export function toTranscriptEntry(e: StoredEntry): TranscriptEntry {
  return e.id === undefined ? { role: e.role, text: e.text, at: e.at } : { role: e.role, id: e.id, text: e.text, at: e.at };
}

/**
 * Take the turn lock (SET NX PX) and, only when it is won, read the transcript's last entries:
 * the turn's memory arrives in the round trip that locks it. Returns false when the lock is held.
 * KEYS: lock, transcript. ARGV: lock token, lock ttl ms, entries to read.
 */
export const START_TURN = defineLua(
  'startTurn',
  `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return false end
local n = tonumber(ARGV[3])
if n <= 0 then return {} end
return redis.call('LRANGE', KEYS[2], -n, -1)`,
);

/**
 * Append the turn's entries, take the replay payload off the reply that just left the replay
 * memory (so only the last RECENT_REPLIES lines carry one), cap the list, refresh its TTL and
 * release the turn lock: one round trip.
 * KEYS: transcript, lock. ARGV: lock token, ttl seconds, max entries, replies kept, entries...
 * The payload is the last key of a stored line (see `encodeEntry`) and `,"` occurs in JSON only
 * between keys (a quote inside a string is escaped), so cutting at `,"replay":` is exact.
 */
export const FINISH_TURN = defineLua(
  'finishTurn',
  `
local n = #ARGV
if n > 4 then redis.call('RPUSH', KEYS[1], unpack(ARGV, 5, n)) end
local past = -(2 * tonumber(ARGV[4]) + 1)
local old = redis.call('LINDEX', KEYS[1], past)
if old then
  local at = string.find(old, ',"replay":', 1, true)
  if at then redis.call('LSET', KEYS[1], past, string.sub(old, 1, at - 1) .. '}') end
end
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1`,
);

/** A line as JSON, the replay payload last (FINISH_TURN cuts it off there). */
const encodeEntry = (e: StoredEntry) => JSON.stringify(e.replay ? { ...toTranscriptEntry(e), replay: e.replay } : toTranscriptEntry(e));

/** The transcript's last `tail` entries with the lock, or null when another turn holds it. */
export async function startTurn(r: RedisCommands, sessionId: string, lockToken: string, ttlMs: number, tail: number): Promise<StoredEntry[] | null> {
  const out = await runScript(r, START_TURN, [lockKey(sessionId), transcriptKey(sessionId)], [lockToken, String(ttlMs), String(tail)]);
  if (!Array.isArray(out)) return null;
  return (out as string[]).map((s) => JSON.parse(s) as StoredEntry);
}

export interface TranscriptLimits {
  ttlS: number;
  /** Lines kept (TRANSCRIPT_MAX). */
  max: number;
  /** Replies that keep their replay payload (RECENT_REPLIES). */
  replies: number;
}

export async function finishTurn(r: RedisCommands, sessionId: string, lockToken: string, entries: StoredEntry[], limits: TranscriptLimits): Promise<void> {
  await runScript(
    r,
    FINISH_TURN,
    [transcriptKey(sessionId), lockKey(sessionId)],
    [lockToken, String(limits.ttlS), String(limits.max), String(limits.replies), ...entries.map(encodeEntry)],
  );
}

export async function readTranscript(r: RedisCommands, sessionId: string): Promise<TranscriptEntry[]> {
  const raw = await r.lRange(transcriptKey(sessionId), 0, -1);
  return raw.map((s) => toTranscriptEntry(JSON.parse(s) as StoredEntry));
}

/**
 * Erase what the store keeps for a session: its transcript, and the lock the eraser holds
 * (compare-and-delete, so another holder's lock is left alone). KEYS: transcript, lock. ARGV: token.
 */
export const DELETE_SESSION = defineLua(
  'deleteSession',
  `
redis.call('DEL', KEYS[1])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1`,
);

export async function deleteSession(r: RedisCommands, sessionId: string, lockToken: string): Promise<void> {
  await runScript(r, DELETE_SESSION, [transcriptKey(sessionId), lockKey(sessionId)], [lockToken]);
}
