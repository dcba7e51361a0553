/**
 * The Lua scripts behind RedisSaver (node-redis scripts: the client is created with SAVER_SCRIPTS): each saver operation is one EVALSHA, so a write is one
 * round trip and atomic, and "latest" needs no second trip.
 *
 * Key layout (T = encoded thread id, N = encoded checkpoint_ns, both free of `{}:,`):
 *   <p>:{T}:keys          SET   every key of the thread (TTL refresh and deleteThread without SCAN)
 *   <p>:{T}:nss           SET   namespaces of the thread (list)
 *   <p>:{T}:N:idx         ZSET  checkpoint ids, all score 0, so ordered by id (uuid6: by time)
 *   <p>:{T}:N:cp:<id>     HASH  checkpoint, metadata, parent id, refs (blob fields it reads)
 *   <p>:{T}:N:w:<id>      HASH  pending writes of that checkpoint, field = [taskId, idx]
 *   <p>:{T}:N:blobs       HASH  channel values, field = <channel>:<version>
 * Every key carries the `{T}` hash tag, so a thread lives in one cluster slot and the scripts
 * may touch keys derived from ARGV (trimmed checkpoints cannot be named by the caller).
 */
import { defineLua } from '@chat/shared/server';

/**
 * KEYS: registry, nss, idx, blobs, cp, w. ARGV: pre (`<p>:{T}:N:`), ns, id, parent, checkpoint,
 * metadata, refs, ttl, keep, then blob field/value pairs.
 * Writes the checkpoint, trims the namespace to `keep` checkpoints (their writes and the blobs
 * no kept checkpoint reads go too), then refreshes the TTL of every key of the thread.
 */
export const PUT = defineLua(
  'saverPut',
  `
local reg, nss, idx, blobs, cp, wr = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local pre, ns, id = ARGV[1], ARGV[2], ARGV[3]
local ttl, keep = tonumber(ARGV[8]), tonumber(ARGV[9])
redis.call('HSET', cp, 'checkpoint', ARGV[5], 'metadata', ARGV[6], 'parent', ARGV[4], 'refs', ARGV[7])
for i = 10, #ARGV, 2 do redis.call('HSET', blobs, ARGV[i], ARGV[i + 1]) end
redis.call('ZADD', idx, 0, id)
redis.call('SADD', nss, ns)
redis.call('SADD', reg, nss, idx, blobs, cp, wr)
local n = redis.call('ZCARD', idx)
if n > keep then
  local unref = {}
  for _, old in ipairs(redis.call('ZRANGE', idx, 0, n - keep - 1)) do
    local ocp, owr = pre .. 'cp:' .. old, pre .. 'w:' .. old
    local refs = redis.call('HGET', ocp, 'refs')
    if refs then for f in string.gmatch(refs, '[^,]+') do unref[f] = true end end
    redis.call('DEL', ocp, owr)
    redis.call('SREM', reg, ocp, owr)
  end
  redis.call('ZREMRANGEBYRANK', idx, 0, n - keep - 1)
  for _, kept in ipairs(redis.call('ZRANGE', idx, 0, -1)) do
    local refs = redis.call('HGET', pre .. 'cp:' .. kept, 'refs')
    if refs then for f in string.gmatch(refs, '[^,]+') do unref[f] = nil end end
  end
  for f in pairs(unref) do redis.call('HDEL', blobs, f) end
end
if ttl > 0 then
  for _, k in ipairs(redis.call('SMEMBERS', reg)) do redis.call('EXPIRE', k, ttl) end
  redis.call('EXPIRE', reg, ttl)
end
return n
`,
);

/**
 * KEYS: idx. ARGV: pre, id ('' = latest). Returns nil or
 * [id, checkpoint, metadata, parent, refs, [blob values in refs order], [write field, value, ...]].
 */
export const GET = defineLua(
  'saverGet',
  `
local idx, pre, id = KEYS[1], ARGV[1], ARGV[2]
if id == '' then
  local last = redis.call('ZREVRANGE', idx, 0, 0)
  if #last == 0 then return false end
  id = last[1]
end
local cp = redis.call('HMGET', pre .. 'cp:' .. id, 'checkpoint', 'metadata', 'parent', 'refs')
if not cp[1] then return false end
local fields = {}
for f in string.gmatch(cp[4] or '', '[^,]+') do fields[#fields + 1] = f end
local values = {}
for i = 1, #fields, 500 do
  local part = redis.call('HMGET', pre .. 'blobs', unpack(fields, i, math.min(i + 499, #fields)))
  for j = 1, #part do values[#values + 1] = part[j] end
end
return {id, cp[1], cp[2], cp[3] or '', cp[4] or '', values, redis.call('HGETALL', pre .. 'w:' .. id)}
`,
);

/**
 * KEYS: registry, w. ARGV: ttl, then (mode, field, value) triples; mode 'nx' keeps a write
 * already stored (a retried task must not change what it wrote), 'set' overwrites (errors,
 * interrupts: LangGraph's negative indices).
 */
export const PUT_WRITES = defineLua(
  'saverPutWrites',
  `
local reg, wr, ttl = KEYS[1], KEYS[2], tonumber(ARGV[1])
for i = 2, #ARGV, 3 do
  if ARGV[i] == 'nx' then redis.call('HSETNX', wr, ARGV[i + 1], ARGV[i + 2])
  else redis.call('HSET', wr, ARGV[i + 1], ARGV[i + 2]) end
end
redis.call('SADD', reg, wr)
if ttl > 0 then
  redis.call('EXPIRE', wr, ttl)
  redis.call('EXPIRE', reg, ttl)
end
return 1
`,
);

/** KEYS: registry. Deletes every key the registry names, then the registry. */
export const DELETE_THREAD = defineLua(
  'saverDeleteThread',
  `
local keys = redis.call('SMEMBERS', KEYS[1])
for i = 1, #keys, 500 do redis.call('DEL', unpack(keys, i, math.min(i + 499, #keys))) end
redis.call('DEL', KEYS[1])
return #keys
`,
);

/**
 * KEYS: nss. ARGV: base (`<p>:{T}`), ns ('' with ARGV[3] = '0' = every namespace), '1' if ns
 * is given, before id ('' = none). Returns [ns, [ids newest first], ns, [ids], ...].
 */
export const LIST = defineLua(
  'saverList',
  `
local base, before = ARGV[1], ARGV[4]
local nss = ARGV[3] == '1' and {ARGV[2]} or redis.call('SMEMBERS', KEYS[1])
local out = {}
for _, ns in ipairs(nss) do
  local idx = base .. ':' .. ns .. ':idx'
  local ids
  if before == '' then ids = redis.call('ZREVRANGE', idx, 0, -1)
  else ids = redis.call('ZREVRANGEBYLEX', idx, '(' .. before, '-') end
  out[#out + 1] = ns
  out[#out + 1] = ids
end
return out
`,
);

/** Pass to newRedisClient's `scripts` (or createClient's, via scriptsOption) for a client a RedisSaver uses. */
export const SAVER_SCRIPTS = [PUT, GET, PUT_WRITES, DELETE_THREAD, LIST];
