/**
 * The gateway's whole use of Redis behind one small interface: session hashes and fixed-window
 * counters. node-redis when REDIS_URL is set (its cluster client for a Redis Cluster: several seed
 * nodes or REDIS_CLUSTER=true); otherwise a tiny in-memory stand-in (one replica, lost on restart)
 * so a newcomer can run the gateway without Redis. Every command names one key (sessions carry a
 * `{sessionId}` hash tag), so nothing here ever spans two cluster slots.
 */
import fp from 'fastify-plugin';
import { defineLua, guarded, newRedisClient, runScript, type RedisConnection } from '@chat/shared/server';

export interface Kv {
  /** Write fields and (re)set the key's TTL, atomically. `onlyIfExists` never resurrects an expired key. */
  hashSet(key: string, fields: Record<string, string>, ttlS: number, onlyIfExists?: boolean): Promise<boolean>;
  hashGetAll(key: string): Promise<Record<string, string> | null>;
  /** Delete keys (each on its own: they may sit on different cluster slots). */
  del(...keys: string[]): Promise<void>;
  /** Fixed window counter: INCR, and PEXPIRE on the first hit, in one round trip. */
  incrWindow(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
  readonly kind: 'redis' | 'memory';
}

// One script so that a crash between INCR and PEXPIRE can never leave a counter without TTL.
const INCR_WINDOW = defineLua(
  'incrWindow',
  `
local c = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if c == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {c, ttl}`,
);

// HSET + EXPIRE in one step; ARGV[1] ttl, ARGV[2] "1" = only if the key exists, then field/value pairs.
const HSET_TTL = defineLua(
  'hsetTtl',
  `
if ARGV[2] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1`,
);

/** The commands the Kv uses: a single client and a cluster client both fit. */
interface Commands extends RedisConnection {
  hGetAll(key: string): Promise<unknown>;
  exists(key: string): Promise<number>;
  del(key: string): Promise<number>;
}

export async function connectRedis(url: string, onError: (e: Error) => void, cluster = url.includes(',')): Promise<Kv> {
  const client = newRedisClient<Commands>(url, { cluster, scripts: [INCR_WINDOW, HSET_TTL] });
  client.on('error', onError);
  await client.connect();
  return {
    kind: 'redis',
    hashSet: (key, fields, ttlS, onlyIfExists = false) =>
      guarded(async () => {
        const args = [String(ttlS), onlyIfExists ? '1' : '0', ...Object.entries(fields).flat()];
        return (await runScript(client, HSET_TTL, [key], args)) === 1;
      }),
    hashGetAll: (key) =>
      guarded(async () => {
        const h = (await client.hGetAll(key)) as Record<string, string>;
        return Object.keys(h).length ? { ...h } : null;
      }),
    del: (...keys) => guarded(async () => void (await Promise.all(keys.map((k) => client.del(k))))),
    incrWindow: (key, windowMs) =>
      guarded(async () => {
        const [count, ttlMs] = (await runScript(client, INCR_WINDOW, [key], [String(windowMs)])) as [number, number];
        return { count, ttlMs };
      }),
    // A one-key read rather than PING: a cluster client routes it to a node like any command.
    ping: async () => {
      try {
        await client.exists('gw:ping');
        return true;
      } catch {
        return false;
      }
    },
    close: async () => {
      if (client.isOpen) await client.close();
    },
  };
}

export function memoryKv(): Kv {
  const hashes = new Map<string, { fields: Record<string, string>; expiresAt: number }>();
  const counters = new Map<string, { count: number; expiresAt: number }>();
  const live = <V extends { expiresAt: number }>(m: Map<string, V>, k: string) => {
    const v = m.get(k);
    if (v && v.expiresAt <= Date.now()) m.delete(k);
    return v && v.expiresAt > Date.now() ? v : undefined;
  };
  return {
    kind: 'memory',
    async hashSet(key, fields, ttlS, onlyIfExists = false) {
      const cur = live(hashes, key);
      if (onlyIfExists && !cur) return false;
      hashes.set(key, { fields: { ...cur?.fields, ...fields }, expiresAt: Date.now() + ttlS * 1000 });
      return true;
    },
    async hashGetAll(key) {
      const cur = live(hashes, key);
      return cur ? { ...cur.fields } : null;
    },
    async del(...keys) {
      for (const k of keys) hashes.delete(k);
    },
    async incrWindow(key, windowMs) {
      const cur = live(counters, key) ?? { count: 0, expiresAt: Date.now() + windowMs };
      cur.count++;
      counters.set(key, cur);
      return { count: cur.count, ttlMs: cur.expiresAt - Date.now() };
    },
    async ping() {
      return true;
    },
    async close() {
      hashes.clear();
      counters.clear();
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    kv: Kv;
  }
}

export interface RedisPluginOptions {
  url: string | undefined;
  /** Use the cluster client (REDIS_CLUSTER, or several seed nodes in the URL). */
  cluster?: boolean;
  /** A store built by the caller (tests). */
  kv?: Kv;
}

export default fp<RedisPluginOptions>(
  async (app, opts) => {
    let kv = opts.kv;
    if (!kv) {
      if (opts.url) {
        kv = await connectRedis(opts.url, (e) => app.log.error({ err: e }, 'redis error'), opts.cluster ?? opts.url.includes(','));
      } else {
        app.log.warn('REDIS_URL is unset: using the in-memory store (single replica, lost on restart; not for production)');
        kv = memoryKv();
      }
      const owned = kv;
      app.addHook('onClose', async () => owned.close());
    }
    app.decorate('kv', kv);
  },
  { name: 'redis' },
);
