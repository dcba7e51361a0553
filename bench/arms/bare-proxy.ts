/**
 * Anchor: the floor of a relaying hop. The same streaming turns (model delay per token) straight to
 * the engine, through a bare Node proxy (bench/bare-proxy.mjs: undici request piped to the
 * response) and through the gateway, interleaved turn by turn at concurrency 1 and slice by slice
 * at 64. Reported: each hop's added TTFT and inter-token gap over direct, and the gateway's added
 * time over the bare proxy's as a ratio (how many bare hops the gateway costs).
 */
import { engineSession, gatewaySession, runLoad, assertOk, LEAD_SCRIPT, type Session } from '../lib/journey.js';
import type { BenchContext } from '../lib/context.js';
import type { TurnResult } from '../lib/turn-client.js';
import { p50, p99, round, summary } from '../lib/stats.js';

type Side = 'direct' | 'bare' | 'gateway';
const SIDES: Side[] = ['direct', 'bare', 'gateway'];
export interface BareProxySamples {
  c1: Record<Side, TurnResult[]>;
  c64: Record<Side, TurnResult[]>;
}

export const newBareProxySamples = (): BareProxySamples => ({
  c1: { direct: [], bare: [], gateway: [] },
  c64: { direct: [], bare: [], gateway: [] },
});

export async function bareProxyRound(ctx: BenchContext, s: BareProxySamples, round: number, bareUrl: string): Promise<void> {
  const { urls, opts } = ctx;
  const make = (side: Side): (() => Session) =>
    side === 'gateway'
      ? () => gatewaySession(urls.gatewayStream, ctx.token)
      : () => engineSession([side === 'bare' ? bareUrl : urls.engineStream], ctx.template);
  // The order rotates with the round so that drift hits every side alike.
  const order = SIDES.map((_, i) => SIDES[(i + round) % SIDES.length]!);
  await ctx.slot('BARE_c1', async () => {
    const sessions = Object.fromEntries(SIDES.map((side) => [side, make(side)()])) as Record<Side, Session>;
    for (let i = 0; i < opts.c1Turns; i++) {
      const text = LEAD_SCRIPT[i % LEAD_SCRIPT.length]!;
      for (const side of order) s.c1[side].push(assertOk(await sessions[side].turn(text), `bare proxy c1 ${side}`));
    }
    return opts.c1Turns * SIDES.length;
  });
  for (const side of order) {
    await ctx.slot(`BARE_c64_${side}`, async () => {
      const turns = 64 * opts.c64TurnsPerWorker;
      const { results } = await runLoad(turns, 64, make(side), `bare proxy c64 ${side}`);
      s.c64[side].push(...results);
      return turns;
    });
  }
}

const ttfts = (rs: TurnResult[]) => rs.map((r) => r.ttftMs);
const gaps = (rs: TurnResult[]) => rs.flatMap((r) => r.gapsMs);

export function bareProxyResult(s: BareProxySamples, proxyCpuMsPerTurn?: number) {
  const addedOver = (pick: (rs: TurnResult[]) => number[], c: Record<Side, TurnResult[]>, side: Side) => ({
    p50: round(p50(pick(c[side])) - p50(pick(c.direct))),
    p99: round(p99(pick(c[side])) - p99(pick(c.direct))),
  });
  const level = (c: Record<Side, TurnResult[]>) => {
    const bareTtft = addedOver(ttfts, c, 'bare');
    const gwTtft = addedOver(ttfts, c, 'gateway');
    const bareGap = addedOver(gaps, c, 'bare');
    const gwGap = addedOver(gaps, c, 'gateway');
    return {
      turns: c.direct.length,
      bare_added_ttft_ms: bareTtft,
      gateway_added_ttft_ms: gwTtft,
      bare_added_gap_ms: bareGap,
      gateway_added_gap_ms: gwGap,
      // gateway-added over bare-added: 1 = the gateway costs what a bare hop costs.
      gateway_over_bare: {
        ttft_p50: round(gwTtft.p50 / bareTtft.p50, 2),
        ttft_p99: round(gwTtft.p99 / bareTtft.p99, 2),
        gap_p50: round(gwGap.p50 / bareGap.p50, 2),
        gap_p99: round(gwGap.p99 / bareGap.p99, 2),
      },
      ttft_ms: Object.fromEntries(SIDES.map((side) => [side, summary(ttfts(c[side]))])),
      gap_ms: Object.fromEntries(SIDES.map((side) => [side, summary(gaps(c[side]))])),
      events_per_turn: Object.fromEntries(SIDES.map((side) => [side, round(c[side].reduce((a, r) => a + r.events, 0) / Math.max(1, c[side].length), 2)])),
    };
  };
  return { c1: level(s.c1), c64: level(s.c64), ...(proxyCpuMsPerTurn !== undefined ? { bare_proxy_cpu_ms_per_turn: round(proxyCpuMsPerTurn, 3) } : {}) };
}
