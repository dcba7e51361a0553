/**
 * `node --import tsx bench/micro/anchors.ts [bare|saver|load]...`: the three anchors of the bench
 * alone, on a small stack (redis, one streaming engine, one gateway), quick sizes, figures printed
 * as JSON: for working on an anchor without the whole bench. No argument: all three.
 */
import { BenchContext, type BenchOptions } from '../lib/context.js';
import { connect } from '../lib/redis-stats.js';
import { removeDir, startSmallStack, visitorToken, writeBenchTenants } from '../lib/stack.js';
import { startBareProxy } from '../lib/bare-proxy.js';
import { bareProxyResult, bareProxyRound, newBareProxySamples } from '../arms/bare-proxy.js';
import { officialSaverArm } from '../arms/official-saver.js';
import { loadToolArm } from '../arms/load-tool.js';
import { gatewaySession, runLoad } from '../lib/journey.js';

const which = process.argv.slice(2);
const want = (a: string) => which.length === 0 || which.includes(a);
const log = (m: string) => process.stderr.write(`[anchors] ${m}\n`);
const opts: BenchOptions = {
  quick: true,
  rounds: 1,
  c1Turns: 6,
  c64TurnsPerWorker: 1,
  streamDelayMs: 5,
  longSessions: 1,
  longTurns: 20,
  throughputTurns: 0,
  throughputConcurrency: 1,
  idleStreams: 0,
};

const out: Record<string, unknown> = {};
// The official saver brings its own Redis Stack servers and engines.
if (want('saver')) {
  const tenants = writeBenchTenants();
  removeDir(tenants.dir);
  out.official_saver = await officialSaverArm({ sessions: 1, turns: 20, template: tenants.template }, log);
}
const stack = want('bare') || want('load') ? await startSmallStack(opts.streamDelayMs) : undefined;
if (!stack) {
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  process.exit(0);
}
try {
  const token = await visitorToken(stack.gateway.url);
  const redis = await connect(stack.redisUrl);
  const url = stack.gateway.url;
  const urls = {
    redis: stack.redisUrl,
    engineStream: stack.engine.url,
    engineFast: stack.engine.url,
    engineMemory: stack.engine.url,
    gatewayStream: url,
    gatewayFast: url,
    gatewayAux: url,
    clusterEngines: [],
  };
  const ctx = new BenchContext(
    opts,
    urls,
    { engine: stack.engine.process.pid!, gateway: stack.gateway.process.pid! },
    redis,
    undefined,
    stack.tenants.template,
    token,
  );
  await runLoad(12, 4, () => gatewaySession(url, token), 'warm-up');
  if (want('bare')) {
    const proxy = await startBareProxy(stack.engine.url);
    try {
      const s = newBareProxySamples();
      await bareProxyRound(ctx, s, 0, proxy.url);
      out.bare_proxy = bareProxyResult(s);
    } finally {
      await proxy.kill();
    }
  }
  if (want('load')) out.load_tool = await loadToolArm(ctx, { users: 8, seconds: 10 }, log);
  await redis.close();
} catch (e) {
  process.stderr.write(`gateway log tail:\n${stack.gateway.output().slice(-3000)}\n`);
  throw e;
} finally {
  await stack.stop();
}
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
