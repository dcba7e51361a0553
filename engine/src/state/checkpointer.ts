/**
 * The one place that picks the checkpointer: `redis` (ours, plain Redis 7), `memory` (LangGraph's
 * MemorySaver) or `redis-stack` (LangGraph's official saver, @langchain/langgraph-checkpoint-redis,
 * which needs RedisJSON and RediSearch, i.e. Redis Stack). The official saver is given our node-redis
 * v5 client (its own dependency is redis v4, used only by its fromUrl, which we do not call); LangGraph's
 * conformance suite runs against it on a real Redis Stack (engine/test/checkpointer/official-saver.test.ts),
 * and bench/arms/official-saver.ts measures it beside ours. It is loaded only when chosen.
 * Its limits: it lists with KEYS (O(all keys), blocks Redis) and does not run on Redis Cluster with our client.
 */
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { createMemorySaver } from './memory-saver.js';
import { RedisSaver, type RedisSaverClient, type RedisSaverOptions } from './redis-saver.js';

export type CheckpointerKind = 'redis' | 'memory' | 'redis-stack';
export type CheckpointerOptions = Omit<RedisSaverOptions, 'client'>;

export const REDIS_STACK_MISSING = 'install @langchain/langgraph-checkpoint-redis to use CHECKPOINTER=redis-stack (needs Redis Stack)';

export const REDIS_STACK_NO_MODULES = 'CHECKPOINTER=redis-stack needs RediSearch and RedisJSON on the Redis server (Redis Stack); FT._LIST failed';

// A variable, so tsc does not check our v5 client against the package's redis v4 types.
const REDIS_STACK_MODULE = '@langchain/langgraph-checkpoint-redis';

interface RedisStackModule {
  RedisSaver: new (
    client: unknown,
    ttl?: { defaultTTL?: number; refreshOnRead?: boolean },
  ) => BaseCheckpointSaver & {
    ensureIndexes(): Promise<void>;
  };
}

export async function createCheckpointer(kind: CheckpointerKind, client?: RedisSaverClient, opts: CheckpointerOptions = {}): Promise<BaseCheckpointSaver> {
  switch (kind) {
    case 'memory':
      return createMemorySaver();
    case 'redis':
      if (!client) throw new Error('CHECKPOINTER=redis needs a connected Redis client (set REDIS_URL)');
      return new RedisSaver({ client, ...opts });
    case 'redis-stack': {
      if (!client) throw new Error('CHECKPOINTER=redis-stack needs a connected Redis client (set REDIS_URL)');
      // Fail at startup, not on the first list(): the official saver only logs a failed FT.CREATE.
      try {
        await (client as unknown as { ft: { _list(): Promise<unknown> } }).ft._list();
      } catch (e) {
        throw new Error(REDIS_STACK_NO_MODULES, { cause: e });
      }
      let mod: RedisStackModule;
      try {
        mod = (await import(REDIS_STACK_MODULE)) as RedisStackModule;
      } catch (e) {
        throw new Error(REDIS_STACK_MISSING, { cause: e });
      }
      // Its TTL is in minutes and refreshed on read.
      const ttlSeconds = opts.ttlSeconds ?? 86400;
      const saver = new mod.RedisSaver(client, ttlSeconds > 0 ? { defaultTTL: Math.ceil(ttlSeconds / 60), refreshOnRead: true } : undefined);
      // Its RediSearch indexes (FT.CREATE; "already exists" is fine): without them list() finds nothing.
      await saver.ensureIndexes();
      return saver;
    }
    default:
      throw new Error(`unknown checkpointer kind "${String(kind)}"`);
  }
}
