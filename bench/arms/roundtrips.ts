/**
 * Exact Redis round trips per turn, counted with MONITOR on the main Redis: first turns straight
 * to the engine (the engine's own), then the same journey through the gateway (engine + gateway).
 * Lua-internal commands are listed apart: they cost Redis time, not round trips.
 */
import { engineSession, gatewaySession, assertOk, LEAD_SCRIPT } from '../lib/journey.js';
import type { BenchContext } from '../lib/context.js';
import { countRoundTrips } from '../lib/redis-stats.js';

export interface RoundTrips {
  engine: number;
  gateway: number;
  total: number;
  engineCommands: Record<string, number>;
  gatewayCommands: Record<string, number>;
  luaPerTurnEngine: number;
}

export async function measureRoundTrips(ctx: BenchContext, sessions = 3): Promise<RoundTrips> {
  const port = Number(new URL(ctx.urls.redis).port);
  const turns = sessions * LEAD_SCRIPT.length;
  const direct = await countRoundTrips(port, async () => {
    for (let i = 0; i < sessions; i++) {
      const s = engineSession([ctx.urls.engineFast], ctx.template);
      for (const text of LEAD_SCRIPT) assertOk(await s.turn(text), 'roundtrips direct');
    }
  });
  const viaGateway = await countRoundTrips(port, async () => {
    for (let i = 0; i < sessions; i++) {
      const s = gatewaySession(ctx.urls.gatewayFast, ctx.token);
      for (const text of LEAD_SCRIPT) assertOk(await s.turn(text), 'roundtrips gateway');
    }
  });
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  const engine = sum(direct.byClient) / turns;
  const total = sum(viaGateway.byClient) / turns;
  const gatewayCommands: Record<string, number> = {};
  for (const [k, v] of Object.entries(viaGateway.commands)) {
    const d = (v - (direct.commands[k] ?? 0)) / turns;
    if (d > 0) gatewayCommands[k] = d;
  }
  return {
    engine,
    gateway: total - engine,
    total,
    engineCommands: Object.fromEntries(Object.entries(direct.commands).map(([k, v]) => [k, v / turns])),
    gatewayCommands,
    luaPerTurnEngine: direct.lua / turns,
  };
}
