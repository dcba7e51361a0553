/**
 * Runs LangGraph's conformance suite (vitest, redis-saver.spec.ts) as a child process against a
 * private redis-server, so `npm test` covers it: exit 0, tests passed, none failed, and the suite
 * left no key behind (its destroyCheckpointer deletes what each checkpointer wrote).
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { startRedis } from '../../../scripts/testkit/index.js';

const engineDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

/** Counts from vitest's summary line, e.g. "Tests  3 failed | 720 passed | 2 skipped (725)". */
function parseVitestSummary(output: string): { passed: number; failed: number; skipped: number } | undefined {
  const line = output.split('\n').find((l) => /^\s*Tests\s+\d/.test(l));
  if (!line) return undefined;
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
  return { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}

t.test('parseVitestSummary reads passed and failed counts', async (t) => {
  t.same(parseVitestSummary(' Test Files  1 failed (1)\n      Tests  3 failed | 720 passed | 2 skipped (725)\n'), { passed: 720, failed: 3, skipped: 2 });
  t.same(parseVitestSummary('      Tests  726 passed (726)'), { passed: 726, failed: 0, skipped: 0 });
  t.equal(parseVitestSummary('no summary here'), undefined);
});

t.test('LangGraph checkpointer conformance suite passes against real Redis', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const env = { ...process.env, REDIS_URL: redis.url, NO_COLOR: '1', FORCE_COLOR: '0', CI: '1' };
  const child = spawn(process.execPath, [vitestBin, 'run', '--globals', '--config', 'test/checkpointer/vitest.config.ts'], { cwd: engineDir, env });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const summary = parseVitestSummary(output);
  t.equal(code, 0, 'vitest exits 0', { output: code === 0 ? undefined : output.slice(-4000) });
  t.ok(summary, 'vitest printed a Tests summary');
  t.ok(summary && summary.passed > 100, `suite ran its tests (${summary?.passed} passed)`);
  t.equal(summary?.failed, 0, 'no test failed');

  const client = createClient({ url: redis.url });
  await client.connect();
  t.equal(await client.dbSize(), 0, 'the suite cleaned up every key it wrote');
  await client.close();
});
