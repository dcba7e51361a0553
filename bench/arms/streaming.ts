/**
 * Arm A: the same turns through the gateway and straight to the engine, interleaved, with a
 * streaming model (a delay per token), at concurrency 1 and 64. Plus the relay's integrity: turns
 * through a gateway whose engine hop counts events, so events out can be checked against events in.
 */
import { engineSession, gatewaySession, runLoad, assertOk, LEAD_SCRIPT } from '../lib/journey.js';
import type { BenchContext } from '../lib/context.js';
import type { TurnResult } from '../lib/turn-client.js';
import type { AuxEngine } from '../lib/aux-engine.js';

export interface StreamingSamples {
  c1: { gateway: TurnResult[]; direct: TurnResult[] };
  /** Straight to the zero-delay engine, one at a time: the engine's own time to first token. */
  engineZeroDelayC1: TurnResult[];
  c64: { gateway: TurnResult[]; direct: TurnResult[] };
  relay: { eventsIn: number; eventsOut: number; turns: number };
}

export const newStreamingSamples = (): StreamingSamples => ({
  c1: { gateway: [], direct: [] },
  engineZeroDelayC1: [],
  c64: { gateway: [], direct: [] },
  relay: { eventsIn: 0, eventsOut: 0, turns: 0 },
});

export async function streamingRound(ctx: BenchContext, s: StreamingSamples, round: number, aux: AuxEngine): Promise<void> {
  const { urls, opts } = ctx;
  // Concurrency 1: one gateway turn, then one direct turn, same message, so drift hits both alike.
  await ctx.slot('A_c1', async () => {
    const gw = gatewaySession(urls.gatewayStream, ctx.token);
    const direct = engineSession([urls.engineStream], ctx.template);
    for (let i = 0; i < opts.c1Turns; i++) {
      const text = LEAD_SCRIPT[i % LEAD_SCRIPT.length]!;
      const pair = round % 2 === 0 ? [gw, direct] : [direct, gw];
      for (const sess of pair) {
        const r = assertOk(await sess.turn(text), 'A c1');
        (sess === gw ? s.c1.gateway : s.c1.direct).push(r);
      }
    }
    return opts.c1Turns * 2;
  });
  // The engine alone with a zero-delay model: its own time to the first token, nothing else waiting.
  await ctx.slot('A_engine_c1_zero_delay', async () => {
    const direct = engineSession([urls.engineFast], ctx.template);
    for (let i = 0; i < opts.c1Turns * 2; i++) s.engineZeroDelayC1.push(assertOk(await direct.turn(LEAD_SCRIPT[i % LEAD_SCRIPT.length]!), 'A engine c1'));
    return opts.c1Turns * 2;
  });
  const c64 = async (side: 'gateway' | 'direct') => {
    const turns = 64 * opts.c64TurnsPerWorker;
    const make = side === 'gateway' ? () => gatewaySession(urls.gatewayStream, ctx.token) : () => engineSession([urls.engineStream], ctx.template);
    const { results } = await runLoad(turns, 64, make, `A c64 ${side}`);
    s.c64[side].push(...results);
    return turns;
  };
  for (const side of round % 2 === 0 ? (['gateway', 'direct'] as const) : (['direct', 'gateway'] as const)) await ctx.slot(`A_c64_${side}`, () => c64(side));

  // Relay integrity: every event the engine sent must reach the client, at concurrency 64.
  await ctx.slot('A_relay_count', async () => {
    aux.mode = 'forward';
    const in0 = aux.eventsIn;
    const turns = 64 * opts.c64TurnsPerWorker;
    const { results } = await runLoad(turns, 64, () => gatewaySession(urls.gatewayAux, ctx.token), 'relay count');
    s.relay.eventsIn += aux.eventsIn - in0;
    s.relay.eventsOut += results.reduce((a, r) => a + r.events, 0);
    s.relay.turns += turns;
    return turns;
  });
}
