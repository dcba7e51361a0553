/** The checkpointer seam: one function picks memory, our Redis saver, or the official one (on Redis Stack only). */
import t from 'tap';
import { createClient } from 'redis';
import { MemorySaver } from '@langchain/langgraph-checkpoint';
import { startRedis } from '../../../scripts/testkit/index.js';
import { createCheckpointer, REDIS_STACK_NO_MODULES } from '../../src/state/checkpointer.js';
import { createMemorySaver } from '../../src/state/memory-saver.js';
import { RedisSaver } from '../../src/state/redis-saver.js';
import { scriptsOption } from '@chat/shared/server';
import { SAVER_SCRIPTS } from '../../src/state/redis-saver-scripts.js';

t.test('memory: LangGraph MemorySaver', async (t) => {
  t.ok(createMemorySaver() instanceof MemorySaver);
  t.ok((await createCheckpointer('memory')) instanceof MemorySaver);
});

t.test('redis: RedisSaver with the given options; redis-stack on plain Redis: a clear error at startup', async (t) => {
  const redis = await startRedis();
  const client = createClient({ url: redis.url, scripts: scriptsOption(SAVER_SCRIPTS) });
  await client.connect();
  t.teardown(async () => {
    await client.close();
    await redis.stop();
  });
  const saver = await createCheckpointer('redis', client, { ttlSeconds: 60, keepLatest: 5, prefix: 'sel' });
  t.ok(saver instanceof RedisSaver);
  t.match(saver, { ttlSeconds: 60, keepLatest: 5, prefix: 'sel' });
  await t.rejects(createCheckpointer('redis'), /needs a connected Redis client/);
  await t.rejects(createCheckpointer('redis-stack', client), { message: REDIS_STACK_NO_MODULES });
  await t.rejects(createCheckpointer('redis-stack'), /needs a connected Redis client/);
});
