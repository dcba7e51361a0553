/**
 * Property-based fuzzing (fast-check) of every gateway endpoint against a real engine and Redis:
 * bodies, headers (Authorization included), tokens, session ids and message text (unicode, control
 * characters, huge), plus tenants files through their validator. The property: a 4xx JSON error
 * from the registry or a well-formed stream, never a 5xx or a crash; afterwards both processes are
 * healthy and Redis is consistent. Longer runs: `npm run fuzz -- --runs 20000`.
 */
import t from 'tap';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { startRedis, startService, waitFor } from '../../../scripts/testkit/index.js';
import { ENGINE_KEY, startGateway } from '../processes.js';
import { EXAMPLE_TENANTS, testApp } from '../helpers.js';
import { parseTenants, TenantsError } from '../../src/tenants.js';
import { judge, request } from './cases.js';
import { makePool, redisProblems, viaInject, viaSocket } from './harness.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const RUNS = { tenants: 700, inject: 1500, socket: 600 };
/** Answers by status and error code, to see what the cases reached. */
const tally = new Map<string, number>();
const count = <R extends { status: number; body: string }>(res: R): R => {
  const k = `${res.status} ${/"code":"([a-z_]+)"/.exec(res.body)?.[1] ?? (res.body.includes('event: done') ? 'done' : '')}`.trim();
  tally.set(k, (tally.get(k) ?? 0) + 1);
  return res;
};

const redis = await startRedis();
const engine = await startService('engine', { env: { REDIS_URL: redis.url, ENGINE_KEY } });
const gw = await startGateway({ REDIS_URL: redis.url, ENGINE_URL: engine.url, LOG_LEVEL: 'warn' });
const { app } = await testApp({ REDIS_URL: redis.url, ENGINE_URL: engine.url, ENGINE_KEY });
t.teardown(async () => {
  await app.close();
  await gw.kill();
  await engine.kill();
  await redis.stop();
});
const pool = await makePool(gw.url);
t.comment(`fast-check seed ${SEED} (replay with FUZZ_SEED=${SEED})`);

t.test(`tenants files: ${RUNS.tenants} mutated documents give a registry or a TenantsError naming a key`, async (t) => {
  const base = JSON.parse(readFileSync(EXAMPLE_TENANTS, 'utf8'));
  const paths: string[][] = [];
  const walk = (v: unknown, p: string[]) => {
    paths.push(p);
    if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) walk(c, [...p, k]);
  };
  walk(base, []);
  const mutation = fc.record({
    path: fc.constantFrom(...paths),
    value: fc.oneof(fc.jsonValue(), fc.constantFrom(undefined, '', 'http://169.254.169.254/', { url: 'http://0x7f000001/', secrets: ['whsec_AAAA'] })),
  });
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (muts) => {
      const doc = structuredClone(base);
      for (const { path, value } of muts) {
        if (path.length === 0) continue;
        let o = doc;
        for (const k of path.slice(0, -1)) o = o?.[k];
        if (o && typeof o === 'object') o[path.at(-1)!] = value;
      }
      try {
        parseTenants(doc, { turnsPerMinute: 1, sessionsPerHour: 1, platformIssuer: 'chat-gateway' });
      } catch (e) {
        if (!(e instanceof TenantsError) || !/^tenants file: .+: /s.test(e.message)) throw e;
      }
    }),
    { numRuns: RUNS.tenants, seed: SEED },
  );
  t.pass(`${RUNS.tenants} documents`);
});

t.test(`${RUNS.inject} requests in process (inject) to a gateway on the real engine and Redis`, async (t) => {
  await fc.assert(
    fc.asyncProperty(request(pool), async (r) => {
      const problem = judge(r, count(await viaInject(app, r)));
      if (problem) throw new Error(problem);
    }),
    { numRuns: RUNS.inject, seed: SEED },
  );
  t.pass(`${RUNS.inject} requests`);
});

t.test(`${RUNS.socket} requests over real sockets to the gateway process`, async (t) => {
  await fc.assert(
    fc.asyncProperty(request(pool), async (r) => {
      const problem = judge(r, count(await viaSocket(gw.url, r)));
      if (problem) throw new Error(problem);
    }),
    { numRuns: RUNS.socket, seed: SEED + 1 },
  );
  t.pass(`${RUNS.socket} requests`);
});

t.test('afterwards: both processes alive and healthy, Redis consistent', async (t) => {
  t.equal(gw.process.exitCode, null, 'gateway still running');
  t.equal(engine.process.exitCode, null, 'engine still running');
  t.equal((await fetch(`${gw.url}/readyz`)).status, 200);
  t.equal((await fetch(`${engine.url}/readyz`)).status, 200);
  // Turn locks are released at the end of each turn; give the last ones a moment.
  let problems: string[] = [];
  await waitFor(async () => (problems = await redisProblems(redis.url)).length === 0, 15_000, 'consistent Redis').catch(() => {});
  t.same(problems, [], 'every session on both sides, no leftover lock');
  t.notMatch(gw.output(), /"level":(50|60)/, 'no error logged by the gateway');
  t.comment(
    `answers: ${[...tally]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k}: ${n}`)
      .join(', ')}`,
  );
});
