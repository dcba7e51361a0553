/**
 * The one place that picks the checkpointer: `redis` (ours, plain Redis 7), `memory` (LangGraph's
 * MemorySaver) or `redis-stack` (LangGraph's official Redis saver, which needs RedisJSON and
 * RediSearch; not installed and not tested here).
 */
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { createMemorySaver } from './memory-saver.js';
import { RedisSaver, type RedisSaverClient, type RedisSaverOptions } from './redis-saver.js';

export type CheckpointerKind = 'redis' | 'memory' | 'redis-stack';
export type CheckpointerOptions = Omit<RedisSaverOptions, 'client'>;

export const REDIS_STACK_MISSING =
  'install @langchain/langgraph-checkpoint-redis to use CHECKPOINTER=redis-stack (needs Redis Stack)';

// A variable, so tsc neither resolves the optional package nor needs its types.
const REDIS_STACK_MODULE = '@langchain/langgraph-checkpoint-redis';

interface RedisStackModule {
  RedisSaver: new (client: unknown, ttl?: { defaultTTL?: number; refreshOnRead?: boolean }) => BaseCheckpointSaver;
}

export async function createCheckpointer(
  kind: CheckpointerKind,
  client?: RedisSaverClient,
  opts: CheckpointerOptions = {},
): Promise<BaseCheckpointSaver> {
  switch (kind) {
    case 'memory':
      return createMemorySaver();
    case 'redis':
      if (!client) throw new Error('CHECKPOINTER=redis needs a connected Redis client (set REDIS_URL)');
      return new RedisSaver({ client, ...opts });
    case 'redis-stack': {
      if (!client) throw new Error('CHECKPOINTER=redis-stack needs a connected Redis client (set REDIS_URL)');
      let mod: RedisStackModule;
      try {
        mod = (await import(REDIS_STACK_MODULE)) as RedisStackModule;
      } catch (e) {
        throw new Error(REDIS_STACK_MISSING, { cause: e });
      }
      // Its TTL is in minutes and refreshed on read.
      const ttlSeconds = opts.ttlSeconds ?? 86400;
      return new mod.RedisSaver(client, ttlSeconds > 0 ? { defaultTTL: Math.ceil(ttlSeconds / 60), refreshOnRead: true } : undefined);
    }
    default:
      throw new Error(`unknown checkpointer kind "${String(kind)}"`);
  }
}
