/**
 * Longer fuzz runs than CI: `npm run fuzz -- --runs 20000 [--seed N] [--inject]`. Starts its own
 * Redis, engine and gateway, sends generated requests over real sockets (or in process with
 * --inject), checks the same property as gateway/test/fuzz, then Redis consistency.
 */
import fc from 'fast-check';
import { parseArgs } from 'node:util';
import { startRedis, startService, waitFor } from './testkit/index.js';
import { ENGINE_KEY, startGateway } from '../gateway/test/processes.js';
import { testApp } from '../gateway/test/helpers.js';
import { judge, request } from '../gateway/test/fuzz/cases.js';
import { makePool, redisProblems, viaInject, viaSocket } from '../gateway/test/fuzz/harness.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5000' }, seed: { type: 'string' }, inject: { type: 'boolean', default: false } } });
const runs = Number(values.runs);
const seed = values.seed ? Number(values.seed) : Date.now() % 2 ** 31;

const redis = await startRedis();
const engine = await startService('engine', { env: { REDIS_URL: redis.url, ENGINE_KEY } });
const gw = await startGateway({ REDIS_URL: redis.url, ENGINE_URL: engine.url, LOG_LEVEL: 'warn' });
const { app } = await testApp({ REDIS_URL: redis.url, ENGINE_URL: engine.url, ENGINE_KEY });
let code = 0;
try {
  const pool = await makePool(gw.url);
  console.log(`fuzz: ${runs} cases ${values.inject ? 'in process' : 'over sockets'}, seed ${seed}`);
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(request(pool), async (r) => {
      const problem = judge(r, values.inject ? await viaInject(app, r) : await viaSocket(gw.url, r));
      if (problem) throw new Error(problem);
    }),
    { numRuns: runs, seed },
  );
  let problems: string[] = [];
  await waitFor(async () => (problems = await redisProblems(redis.url)).length === 0, 15_000, 'consistent Redis').catch(() => {});
  if (problems.length) throw new Error(`Redis inconsistent:\n${problems.join('\n')}`);
  if (gw.process.exitCode !== null || engine.process.exitCode !== null) throw new Error('a process died');
  console.log(`fuzz: ${runs} cases passed in ${((Date.now() - started) / 1000).toFixed(1)} s; processes healthy, Redis consistent`);
} catch (e) {
  console.error((e as Error).message);
  code = 1;
} finally {
  await app.close();
  await gw.kill();
  await engine.kill();
  await redis.stop();
}
process.exit(code);
