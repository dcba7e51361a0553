/**
 * LangGraph's checkpointer conformance suite against the official saver
 * (@langchain/langgraph-checkpoint-redis), built the way the engine builds it for
 * CHECKPOINTER=redis-stack: createCheckpointer('redis-stack', <our node-redis v5 client>).
 * Needs REDIS_STACK_URL (a Redis Stack server: RedisJSON + RediSearch); official-saver.test.ts
 * starts one and runs this file. The official saver has no key prefix of its own: each
 * checkpointer the suite asks for starts from an empty database (its list() searches one global
 * index), and destroyCheckpointer deletes the saver's keys.
 */
import { describe } from 'vitest';
import { createClient } from 'redis';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { validate } from '@langchain/langgraph-checkpoint-validation';
import { createCheckpointer } from '../../src/state/checkpointer.js';

let client: ReturnType<typeof createClient>;
const PATTERNS = ['checkpoint:*', 'checkpoint_blob:*', 'checkpoint_write:*', 'write_keys_zset:*'];

async function deleteSaverKeys() {
  for (const MATCH of PATTERNS) {
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH, COUNT: 1000 })) keys.push(...batch);
    if (keys.length > 0) await client.del(keys);
  }
}

const initializer = {
  checkpointerName: 'OfficialRedisSaver',
  beforeAllTimeout: 30_000,
  async beforeAll() {
    const url = process.env.REDIS_STACK_URL;
    if (!url) throw new Error('REDIS_STACK_URL is not set: run official-saver.test.ts, which starts Redis Stack');
    client = createClient({ url });
    await client.connect();
  },
  async afterAll() {
    await client?.close();
  },
  async createCheckpointer() {
    await deleteSaverKeys();
    return createCheckpointer('redis-stack', client as never, { ttlSeconds: 0 });
  },
  async destroyCheckpointer(_saver: BaseCheckpointSaver) {
    await deleteSaverKeys();
  },
};

describe('official saver', () => {
  validate(initializer);
});
