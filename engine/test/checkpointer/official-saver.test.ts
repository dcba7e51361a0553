/**
 * CHECKPOINTER=redis-stack, tested: LangGraph's conformance suite (official-saver.spec.ts) against
 * the official saver on a real Redis Stack server (RedisJSON + RediSearch), built by the engine's
 * createCheckpointer with our node-redis v5 client. Skipped, saying why, only where the Redis Stack
 * binaries are absent; .ci/run installs them, so CI runs it.
 */
import t from 'tap';
import { createClient } from 'redis';
import { redisStackMissing, startRedisStack } from '../../../scripts/testkit/index.js';
import { createCheckpointer } from '../../src/state/checkpointer.js';
import { runSpec } from './vitest-run.js';

const missing = redisStackMissing();
// The suite runs 700+ checks against a real server: minutes on a loaded 2-core machine.
t.setTimeout(600_000);

t.test('official saver on Redis Stack', { skip: missing ?? false, timeout: 600_000 }, async (t) => {
  const stack = await startRedisStack();
  t.teardown(() => stack.stop());
  const client = createClient({ url: stack.url });
  await client.connect();
  t.teardown(() => client.close());

  await t.test('the engine builds it with our client and creates its RediSearch indexes', async (t) => {
    const saver = await createCheckpointer('redis-stack', client, { ttlSeconds: 0 });
    t.equal(saver.constructor.name, 'RedisSaver');
    const indexes = (await client.ft._list()).map(String).sort();
    t.same(indexes, ['checkpoint_blobs', 'checkpoint_writes', 'checkpoints']);
  });

  await t.test('LangGraph conformance suite passes', async (t) => {
    const { code, output, summary } = await runSpec('official-saver.spec.ts', { REDIS_STACK_URL: stack.url });
    t.equal(code, 0, 'vitest exits 0', { output: code === 0 ? undefined : output.slice(-6000) });
    t.ok(summary && summary.passed > 100, `suite ran its tests (${summary?.passed} passed)`);
    t.equal(summary?.failed, 0, 'no test failed');
    t.same(await client.keys('checkpoint*'), [], 'the suite cleaned up');
  });
});
