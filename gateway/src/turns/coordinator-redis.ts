/**
 * The turn coordinator on Redis: a turn counter (`gw:turnseq:{id}`) and the running-turn marker
 * (`gw:turn:{id}`, a hash with a lease) per session, changed only by the scripts below, and one
 * pub/sub channel for stop requests. The session's keys share the `{id}` hash tag (its record and
 * event log too), so each script touches one cluster slot.
 *
 * Its own connections (commands, and one subscriber for stop requests) rather than the Kv's or the
 * event log's: claims and lease renewals never queue behind a burst of pipelined appends.
 */
import type { ClaimOutcome, CoordinatorOptions, TurnCoordinator } from './coordinator.js';
import { defineLua, runScript, type LuaScript, type RedisConnection } from '@chat/shared/server';
import { guarded, newRedisClient } from '../redis-client.js';
import { sessionKey } from '../sessions.js';

const seqKey = (id: string) => `gw:turnseq:{${id}}`;
const turnKey = (id: string) => `gw:turn:{${id}}`;
const STOP_CHANNEL = 'gw:stop';

// Claim: with an owner (KEYS[3] the session record, ARGV[4..7] tenant, sub, site and issuer; a record
// written before issuers were kept has none and matches either), another owner's or
// a missing session answers foreign and writes nothing; a running marker answers attach (same
// message) or busy; else next seq and a fresh marker.
const CLAIM = defineLua(
  'turnClaim',
  `
if KEYS[3] then
  local rec = redis.call('HMGET', KEYS[3], 'tenantId', 'sub', 'siteId', 'issuer')
  if rec[1] ~= ARGV[4] or rec[2] ~= ARGV[5] or rec[3] ~= ARGV[6] then return {'foreign', 0} end
  if rec[4] and rec[4] ~= ARGV[7] then return {'foreign', 0} end
end
local cur = redis.call('HMGET', KEYS[1], 'msg', 'seq')
if cur[1] then
  if cur[1] == ARGV[1] then return {'attach', tonumber(cur[2])} end
  return {'busy', tonumber(cur[2])}
end
local seq = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('HSET', KEYS[1], 'msg', ARGV[1], 'seq', seq)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {'start', seq}`,
);

const RENEW = defineLua(
  'turnRenew',
  `
local cur = redis.call('HMGET', KEYS[1], 'seq', 'stop')
if cur[1] ~= ARGV[1] then return {0, 0} end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if cur[2] then return {1, 1} end
return {1, 0}`,
);

const END = defineLua('turnEnd', `if redis.call('HGET', KEYS[1], 'seq') == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`);

// Give back a refused claim: the marker if it is still this turn's, and the seq if it is still the last.
const GIVE_BACK = defineLua(
  'turnGiveBack',
  `
if redis.call('HGET', KEYS[1], 'seq') == ARGV[1] then redis.call('DEL', KEYS[1]) end
if redis.call('GET', KEYS[2]) == ARGV[1] then
  if ARGV[1] == '1' then redis.call('DEL', KEYS[2]) else redis.call('DECR', KEYS[2]) end
end
return 1`,
);

const STOP = defineLua('turnStop', `if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'stop', '1') return 1 end return 0`);

/** The scripts a client the coordinator uses must be created with (tests building their own client). */
export const COORDINATOR_SCRIPTS = [CLAIM, RENEW, END, GIVE_BACK, STOP];

interface Commands extends RedisConnection {
  hmGet(key: string, fields: string[]): Promise<unknown>;
  del(keys: string[]): Promise<number>;
  publish(channel: string, message: string): Promise<unknown>;
  subscribe(channel: string, fn: (message: string) => void): Promise<unknown>;
  duplicate(): Commands;
}

export interface RedisCoordinatorOptions extends CoordinatorOptions {
  url: string;
  cluster: boolean;
  onError: (e: Error) => void;
}

export async function redisTurnCoordinator(opts: RedisCoordinatorOptions): Promise<TurnCoordinator> {
  const notify = opts.notify ?? (() => {});
  const client = newRedisClient<Commands>(opts.url, opts.cluster, COORDINATOR_SCRIPTS);
  client.on('error', opts.onError);
  await client.connect();
  const sub = client.duplicate();
  sub.on('error', opts.onError);
  const closeAll = async () => {
    for (const c of [sub, client]) if (c.isOpen) await c.close().catch(() => {});
  };
  const stopListeners: Array<(sessionId: string) => void> = [];
  try {
    await sub.connect();
    await sub.subscribe(STOP_CHANNEL, (sessionId) => {
      for (const fn of stopListeners) fn(sessionId);
    });
  } catch (e) {
    await closeAll();
    throw e;
  }

  const run = (script: LuaScript, keys: string[], args: string[]) => runScript(client, script, keys, args);

  return {
    kind: 'redis',
    claim: (sessionId, messageId, leaseMs, owner) =>
      guarded(async () => {
        const keys = [turnKey(sessionId), seqKey(sessionId), ...(owner ? [sessionKey(sessionId)] : [])];
        const args = [messageId, String(leaseMs), String(opts.ttlS), ...(owner ? [owner.tenantId, owner.sub, owner.siteId, owner.issuer] : [])];
        const [outcome, seq] = (await run(CLAIM, keys, args)) as [ClaimOutcome['outcome'], number];
        return { outcome, seq: Number(seq) };
      }),
    renew: (sessionId, seq, leaseMs) =>
      guarded(async () => {
        const [held, stop] = (await run(RENEW, [turnKey(sessionId)], [String(seq), String(leaseMs)])) as [number, number];
        return { held: held === 1, stop: stop === 1 };
      }),
    end: (sessionId, seq) =>
      guarded(async () => {
        await run(END, [turnKey(sessionId)], [String(seq)]);
        notify(sessionId);
      }),
    giveBack: (sessionId, seq) =>
      guarded(async () => {
        await run(GIVE_BACK, [turnKey(sessionId), seqKey(sessionId)], [String(seq)]);
        notify(sessionId);
      }),
    running: (sessionId) =>
      guarded(async () => {
        const [msg, seq] = (await client.hmGet(turnKey(sessionId), ['msg', 'seq'])) as Array<string | null>;
        return msg && seq ? { messageId: msg, seq: Number(seq) } : null;
      }),
    requestStop: (sessionId) =>
      guarded(async () => {
        const running = (await run(STOP, [turnKey(sessionId)], [])) === 1;
        // Pub/sub reaches the relaying process at once; the flag covers a subscriber that was
        // reconnecting at that moment (the relay sees it at its next lease renewal).
        if (running) await client.publish(STOP_CHANNEL, sessionId);
        return running;
      }),
    onStop: (fn) => {
      stopListeners.push(fn);
    },
    // One slot ({sessionId}), so one DEL.
    forget: (sessionId) => guarded(async () => void (await client.del([seqKey(sessionId), turnKey(sessionId)]))),
    close: closeAll,
  };
}
