/**
 * Session state: the Redis client (single or cluster), the checkpointer, and the lock/transcript
 * store. Without REDIS_URL everything is in process memory, with a loud warning.
 */
import fp from 'fastify-plugin';
import { newRedisClient, type RedisConnection } from '@chat/shared/server';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import type { EngineConfig } from '../config.js';
import { createCheckpointer } from '../state/checkpointer.js';
import type { RedisSaverClient } from '../state/redis-saver.js';
import { ENGINE_SCRIPTS, type RedisCommands } from '../state/redis.js';
import { memorySessionStore, redisSessionStore, type SessionStore } from '../state/session-store.js';

declare module 'fastify' {
  interface FastifyInstance {
    redis: RedisCommands | null;
    checkpointer: BaseCheckpointSaver;
    sessionStore: SessionStore;
    stateReady(): Promise<boolean>;
  }
}

export default fp<{ config: EngineConfig }>(
  async (app, { config }) => {
    const limits = { ttlS: config.sessionTtlS, transcriptMax: config.transcriptMax, recentReplies: config.recentReplies };
    if (!config.redisUrl) {
      app.log.warn('REDIS_URL is not set: session state lives in this process only and is lost on restart. For trying things only.');
      app.decorate('redis', null);
      app.decorate('checkpointer', await createCheckpointer('memory'));
      app.decorate('sessionStore', memorySessionStore(limits));
      app.decorate('stateReady', async () => true);
      return;
    }
    // Fail fast while Redis is away (no offline queue): a turn answers 503 state_unavailable instead of hanging.
    const client = newRedisClient<RedisSaverClient & RedisConnection>(config.redisUrl, { cluster: config.redisCluster, scripts: ENGINE_SCRIPTS });
    client.on('error', (err: Error) => app.log.warn({ err: err.message }, 'redis error'));
    await client.connect();
    const r = client as unknown as RedisCommands;
    app.decorate('redis', r);
    app.decorate('checkpointer', await createCheckpointer(config.checkpointer, client, { ttlSeconds: config.sessionTtlS, keepLatest: config.keepCheckpoints }));
    app.decorate('sessionStore', redisSessionStore(r, limits));
    app.decorate('stateReady', async () => {
      try {
        await Promise.race([r.get('{readyz}'), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 1000).unref())]);
        return true;
      } catch {
        return false;
      }
    });
    app.addHook('onClose', async () => {
      await client.close();
    });
  },
  { name: 'state' },
);
