/**
 * Runs LangGraph's conformance suite (vitest, redis-saver.spec.ts) as a child process against a
 * private redis-server, so `npm test` covers it: exit 0, tests passed, none failed, and the suite
 * left no key behind (its destroyCheckpointer deletes what each checkpointer wrote).
 */
import t from 'tap';
import { createClient } from 'redis';
import { startRedis } from '../../../scripts/testkit/index.js';
import { parseVitestSummary, runSpec } from './vitest-run.js';

t.test('parseVitestSummary reads passed and failed counts', async (t) => {
  t.same(parseVitestSummary(' Test Files  1 failed (1)\n      Tests  3 failed | 720 passed | 2 skipped (725)\n'), { passed: 720, failed: 3, skipped: 2 });
  t.same(parseVitestSummary('      Tests  726 passed (726)'), { passed: 726, failed: 0, skipped: 0 });
  t.equal(parseVitestSummary('no summary here'), undefined);
});

t.test('LangGraph checkpointer conformance suite passes against real Redis', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const { code, output, summary } = await runSpec('redis-saver.spec.ts', { REDIS_URL: redis.url });
  t.equal(code, 0, 'vitest exits 0', { output: code === 0 ? undefined : output.slice(-4000) });
  t.ok(summary, 'vitest printed a Tests summary');
  t.ok(summary && summary.passed > 100, `suite ran its tests (${summary?.passed} passed)`);
  t.equal(summary?.failed, 0, 'no test failed');

  const client = createClient({ url: redis.url });
  await client.connect();
  t.equal(await client.dbSize(), 0, 'the suite cleaned up every key it wrote');
  await client.close();
});
