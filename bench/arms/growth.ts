/**
 * Arm B: long sessions straight to the zero-delay engine, a slice of turns per round. Every turn's
 * time is kept (the latency-vs-turn plot); at the sampled turns the Redis bytes the turn sent
 * (total_net_input_bytes around it, alone on Redis), the session's MEMORY USAGE and the prompt size
 * the model saw are read.
 */
import { engineSession, longMessage, assertOk, type Session } from '../lib/journey.js';
import type { BenchContext } from '../lib/context.js';
import { latestPromptChars, netInputBytes, sessionMemory } from '../lib/redis-stats.js';

export interface TurnSample {
  turn: number;
  engineMs: number;
  redisBytes?: number;
  promptChars?: number;
  sessionBytes?: number;
}

export interface GrowthSamples {
  sessions: Session[];
  /** Per session, per turn (index 0 = turn 1). */
  turns: TurnSample[][];
  /** What two back-to-back INFO calls cost in input bytes (subtracted). */
  infoBytes: number;
}

export const SAMPLED = (turn: number, last: number) => turn <= 12 || turn % 10 === 0 || turn > last - 10;

export async function newGrowthSamples(ctx: BenchContext): Promise<GrowthSamples> {
  const a = await netInputBytes(ctx.redis);
  const b = await netInputBytes(ctx.redis);
  const sessions = Array.from({ length: ctx.opts.longSessions }, () => engineSession([ctx.urls.engineFast], ctx.template));
  return { sessions, turns: sessions.map(() => []), infoBytes: b - a };
}

export async function growthRound(ctx: BenchContext, g: GrowthSamples, round: number): Promise<void> {
  const { longTurns, rounds } = ctx.opts;
  const upTo = Math.round((longTurns * (round + 1)) / rounds);
  await ctx.slot('B_growth', async () => {
    let n = 0;
    for (const [i, s] of g.sessions.entries()) {
      while (s.turns < upTo) {
        const turn = s.turns + 1;
        const sampled = SAMPLED(turn, longTurns);
        const before = sampled ? await netInputBytes(ctx.redis) : 0;
        const r = assertOk(await s.turn(longMessage(turn)), `B turn ${turn}`);
        const sample: TurnSample = { turn, engineMs: r.totalMs };
        if (sampled) {
          sample.redisBytes = (await netInputBytes(ctx.redis)) - before - g.infoBytes;
          sample.promptChars = await latestPromptChars(ctx.redis, s.id!);
          sample.sessionBytes = await sessionMemory(ctx.redis, s.id!);
        }
        g.turns[i]!.push(sample);
        n++;
      }
    }
    return n;
  });
}
