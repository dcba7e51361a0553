/**
 * `npm run bench [-- --quick] [--rounds N] [--idle N] [--cluster|--no-cluster] [--only idle] [--no-anchors] [--out DIR]`: start the real processes
 * (redis-server, engines, gateways, a three-node Redis Cluster) on free ports, run the arms
 * interleaved round by round, and write bench/results/latest.{json,md} and the SVG plots.
 * The anchors measured beside us: a bare proxy hop (every round), the official LangGraph saver on
 * Redis Stack and an independent load generator (Locust), each skipped with its reason where its
 * tool is not installed; --quick runs the official saver on short sessions and leaves Locust to
 * bench/load-tool.test.ts.
 * Timing is reported, never judged: CI runs `--quick` only to keep this working.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startRedis, startRedisCluster, type RedisCluster, type ServiceProcess } from '../scripts/testkit/index.js';
import { startAuxEngine } from './lib/aux-engine.js';
import { BenchContext, type BenchOptions, type Urls } from './lib/context.js';
import { connect } from './lib/redis-stats.js';
import { removeDir, startEngine, startGateway, visitorToken, writeBenchTenants } from './lib/stack.js';
import { closePools } from './lib/turn-client.js';
import { newStreamingSamples, streamingRound } from './arms/streaming.js';
import { growthRound, newGrowthSamples } from './arms/growth.js';
import { newThroughputSamples, throughputRound } from './arms/throughput.js';
import { measureRoundTrips } from './arms/roundtrips.js';
import { idleArm } from './arms/idle.js';
import { writeReport, type Anchors } from './report.js';
import { bareProxyResult, bareProxyRound, newBareProxySamples } from './arms/bare-proxy.js';
import { officialSaverArm } from './arms/official-saver.js';
import { loadToolArm } from './arms/load-tool.js';
import { startBareProxy } from './lib/bare-proxy.js';
import { locustMissing } from './lib/locust.js';
import { redisStackMissing } from '../scripts/testkit/index.js';
import { engineSession, gatewaySession, runLoad } from './lib/journey.js';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const num = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : undefined;
};
const quick = flag('quick');
const opts: BenchOptions = quick
  ? {
      quick,
      rounds: 1,
      c1Turns: 6,
      c64TurnsPerWorker: 1,
      streamDelayMs: 5,
      longSessions: 1,
      longTurns: 200,
      throughputTurns: 60,
      throughputConcurrency: 16,
      idleStreams: 300,
    }
  : {
      quick,
      rounds: 4,
      c1Turns: 12,
      c64TurnsPerWorker: 2,
      streamDelayMs: 20,
      longSessions: 3,
      longTurns: 200,
      throughputTurns: 600,
      throughputConcurrency: 16,
      idleStreams: 5000,
    };
opts.rounds = num('rounds') ?? opts.rounds;
opts.idleStreams = num('idle') ?? opts.idleStreams;
// --only idle: arm D alone (its figure printed, no report written), for working on the gateway's per-stream memory.
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
if (only !== undefined && only !== 'idle') throw new Error(`--only: only 'idle' is supported, not ${only}`);
// The cluster arm starts three more Redis nodes and two engines: full runs only, or --cluster.
const withCluster = only === undefined && (flag('cluster') || (!quick && !flag('no-cluster')));
const anchors = only === undefined && !flag('no-anchors');
const IDLE_HEARTBEAT_MS = 1000;
const outArg = argv[argv.indexOf('--out') + 1];
// --out DIR: tests write elsewhere so that they never overwrite the committed results.
const OUT = argv.includes('--out') && outArg ? `${outArg.replace(/\/+$/, '')}/` : fileURLToPath(new URL('./results/', import.meta.url));

const log = (msg: string) => process.stderr.write(`[bench ${(performance.now() / 1000).toFixed(1)}s] ${msg}\n`);

async function main() {
  const started = performance.now();
  const tenants = writeBenchTenants();
  const stops: Array<() => Promise<unknown>> = [];
  const procs: Record<string, ServiceProcess> = {};
  try {
    const redis = await startRedis();
    stops.push(() => redis.stop());
    const clusterP = withCluster ? startRedisCluster(3) : Promise.resolve(undefined);
    const [engineStream, engineFast, engineMemory] = await Promise.all([
      startEngine({ redisUrl: redis.url, tokenDelayMs: opts.streamDelayMs }),
      startEngine({ redisUrl: redis.url, tokenDelayMs: 0 }),
      startEngine({ tokenDelayMs: 0 }),
    ]);
    Object.assign(procs, { engine_stream: engineStream, engine_fast: engineFast, engine_memory: engineMemory });
    const aux = await startAuxEngine(engineStream.url, 5000);
    stops.push(() => aux.close());
    const gw = (engineUrl: string, extra: object = {}) => startGateway({ redisUrl: redis.url, engineUrl, tenantsFile: tenants.file, ...extra });
    const [gatewayStream, gatewayFast, gatewayAux] = await Promise.all([gw(engineStream.url), gw(engineFast.url), gw(aux.url)]);
    Object.assign(procs, { gateway_stream: gatewayStream, gateway_fast: gatewayFast, gateway_aux: gatewayAux });
    // Anchor: a bare relaying hop in front of the streaming engine, beside the gateway.
    if (anchors) procs.bare_proxy = await startBareProxy(engineStream.url);
    const cluster: RedisCluster | undefined = await clusterP;
    let clusterEngines: ServiceProcess[] = [];
    if (cluster) {
      stops.push(() => cluster!.stop());
      clusterEngines = await Promise.all([0, 1].map(() => startEngine({ redisUrl: cluster!.url, tokenDelayMs: 0 })));
      clusterEngines.forEach((e, i) => (procs[`engine_cluster_${i + 1}`] = e));
    }
    for (const p of Object.values(procs)) stops.push(() => p.kill('SIGTERM'));
    log(`processes up (${Object.keys(procs).length} services + redis${cluster ? ' + 3-node cluster' : ''})`);

    const urls: Urls = {
      redis: redis.url,
      engineStream: engineStream.url,
      engineFast: engineFast.url,
      engineMemory: engineMemory.url,
      gatewayStream: gatewayStream.url,
      gatewayFast: gatewayFast.url,
      gatewayAux: gatewayAux.url,
      clusterEngines: clusterEngines.map((e) => e.url),
    };
    const pids: Record<string, number> = { redis: redis.process.pid! };
    for (const [k, p] of Object.entries(procs)) pids[k] = p.process.pid!;
    cluster?.pids.forEach((pid, i) => (pids[`redis_cluster_${i + 1}`] = pid));
    const r = await connect(redis.url);
    stops.push(() => r.close());
    const token = await visitorToken(gatewayFast.url);
    const ctx = new BenchContext(opts, urls, pids, r, undefined, tenants.template, token);
    // Arm D's gateway: started fresh and warmed right before it (see arms/idle.ts), its concurrency cap above the streams it holds.
    const idleGateway = async () => {
      aux.mode = 'forward';
      const g = await gw(aux.url, {
        heartbeatMs: IDLE_HEARTBEAT_MS,
        poolConnections: opts.idleStreams + 300,
        extraEnv: { MAX_CONCURRENT_TURNS: String(opts.idleStreams + 300) },
      });
      stops.push(() => g.kill('SIGTERM'));
      await runLoad(12, 6, () => gatewaySession(g.url, ctx.token), 'warm-up');
      return { url: g.url, pid: g.process.pid! };
    };

    // Warm-up: JIT, pools and script caches on every path, not measured.
    const w = quick ? 1 / 6 : 1;
    const n = (x: number) => Math.max(2, Math.round(x * w));
    if (only === 'idle') {
      const idle = await idleArm(ctx, aux, IDLE_HEARTBEAT_MS, await idleGateway());
      log(
        `idle streams: ${idle.count} open (${idle.heartbeating} heartbeating), ${idle.rssKbPerStream.toFixed(1)} KB RSS each (V8 heap used ${idle.heapUsedKbPerStream?.toFixed(1)}, of it new space ${idle.newSpaceKbPerStream?.toFixed(1)}; external ${idle.externalKbPerStream?.toFixed(1)})`,
      );
      process.stdout.write(`${JSON.stringify(idle)}\n`);
      return;
    }
    await Promise.all([
      runLoad(n(36), 6, () => gatewaySession(urls.gatewayFast, token), 'warm-up'),
      runLoad(n(36), 6, () => engineSession([urls.engineFast], tenants.template), 'warm-up'),
      runLoad(n(24), 6, () => engineSession([urls.engineMemory], tenants.template), 'warm-up'),
      runLoad(n(12), 6, () => gatewaySession(urls.gatewayStream, token), 'warm-up'),
      runLoad(n(12), 6, () => gatewaySession(urls.gatewayAux, token), 'warm-up'),
      ...(clusterEngines.length ? [runLoad(n(24), 6, () => engineSession(urls.clusterEngines, tenants.template), 'warm-up')] : []),
    ]);
    log('warmed up');

    const roundTrips = await measureRoundTrips(ctx);
    log(`round trips per turn: engine ${roundTrips.engine.toFixed(2)}, gateway ${roundTrips.gateway.toFixed(2)}`);
    const streaming = newStreamingSamples();
    const growth = await newGrowthSamples(ctx);
    const throughput = newThroughputSamples();
    const bare = newBareProxySamples();
    for (let round = 0; round < opts.rounds; round++) {
      await streamingRound(ctx, streaming, round, aux);
      if (procs.bare_proxy) await bareProxyRound(ctx, bare, round, procs.bare_proxy.url);
      await growthRound(ctx, growth, round);
      await throughputRound(ctx, throughput, round);
      log(`round ${round + 1}/${opts.rounds} done`);
    }
    const idle = await idleArm(ctx, aux, IDLE_HEARTBEAT_MS, await idleGateway());
    log(
      `idle streams: ${idle.count} open (${idle.heartbeating} heartbeating), ${idle.rssKbPerStream.toFixed(1)} KB RSS each (V8 heap used ${idle.heapUsedKbPerStream?.toFixed(1)}, of it new space ${idle.newSpaceKbPerStream?.toFixed(1)}; external ${idle.externalKbPerStream?.toFixed(1)})`,
    );

    const anchorResults: Anchors = {
      bare_proxy: procs.bare_proxy
        ? bareProxyResult(
            bare,
            ctx.accounts.BARE_c64_bare ? (ctx.accounts.BARE_c64_bare.cpuMs.bare_proxy ?? NaN) / ctx.accounts.BARE_c64_bare.turns : undefined,
          )
        : { skipped: '--no-anchors' },
      official_saver: { skipped: '--no-anchors' },
      load_tool: { skipped: '--no-anchors' },
    };
    if (anchors) {
      const noStack = redisStackMissing();
      anchorResults.official_saver = noStack
        ? { skipped: noStack }
        : await officialSaverArm({ sessions: quick ? 1 : 2, turns: quick ? 20 : opts.longTurns, template: tenants.template }, log);
      const noLocust = locustMissing();
      anchorResults.load_tool = quick
        ? { skipped: 'quick run: bench/load-tool.test.ts runs the ten-second smoke' }
        : noLocust
          ? { skipped: noLocust }
          : await loadToolArm(ctx, { users: 64, seconds: 30 }, log);
    }

    mkdirSync(OUT, { recursive: true });
    const result = writeReport(OUT, {
      ctx,
      streaming,
      growth,
      throughput,
      roundTrips,
      idle,
      anchors: anchorResults,
      wallS: (performance.now() - started) / 1000,
    });
    log(`wrote ${OUT}latest.json (turns/s ${result.turns_per_s.toFixed(1)})`);
  } finally {
    await closePools();
    for (const stop of stops.reverse()) await stop().catch(() => {});
    removeDir(tenants.dir);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
