/**
 * Zero-delay throughput slices: end to end through the gateway (turns/s), Redis checkpointer vs
 * in-memory state (arm C), and on Redis Cluster with one and two engine processes.
 */
import { engineSession, gatewaySession, runLoad } from '../lib/journey.js';
import type { BenchContext } from '../lib/context.js';

export interface ThroughputSamples {
  /** arm -> [turns, wall ms] */
  totals: Record<string, { turns: number; wallMs: number; ttft: number[] }>;
}

export const newThroughputSamples = (): ThroughputSamples => ({ totals: {} });

async function measure(ctx: BenchContext, t: ThroughputSamples, arm: string, make: () => ReturnType<typeof engineSession>) {
  await ctx.slot(arm, async () => {
    const { results, wallMs } = await runLoad(ctx.opts.throughputTurns, ctx.opts.throughputConcurrency, make, arm);
    const acc = (t.totals[arm] ??= { turns: 0, wallMs: 0, ttft: [] });
    acc.turns += results.length;
    acc.wallMs += wallMs;
    for (const r of results) acc.ttft.push(r.ttftMs);
    return results.length;
  });
}

export async function throughputRound(ctx: BenchContext, t: ThroughputSamples, round: number): Promise<void> {
  const { urls } = ctx;
  const arms: Array<[string, () => ReturnType<typeof engineSession>]> = [
    ['E2E_gateway', () => gatewaySession(urls.gatewayFast, ctx.token)],
    ['C_redis', () => engineSession([urls.engineFast], ctx.template)],
    ['C_memory', () => engineSession([urls.engineMemory], ctx.template)],
  ];
  if (urls.clusterEngines.length >= 2) {
    arms.push(['CLUSTER_1_engine', () => engineSession([urls.clusterEngines[0]!], ctx.template)]);
    arms.push(['CLUSTER_2_engines', () => engineSession(urls.clusterEngines.slice(0, 2), ctx.template)]);
  }
  // Rotate the order each round so no arm always runs first (warm caches) or last.
  for (let i = 0; i < arms.length; i++) {
    const [arm, make] = arms[(i + round) % arms.length]!;
    await measure(ctx, t, arm, make);
  }
}

export const turnsPerS = (t: ThroughputSamples, arm: string) => {
  const a = t.totals[arm];
  return a ? a.turns / (a.wallMs / 1000) : NaN;
};
