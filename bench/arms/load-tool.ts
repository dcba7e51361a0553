/**
 * Anchor: an independent load generator (Locust, scripts/load/chat_locust.py; k6 stands aside: see
 * docs/scaling.md) runs the journey against the streaming gateway at 64 visitors, then the node bench
 * runs the same journey, the same number of turns at the same concurrency, on the same gateway.
 * Their turns/s and TTFT percentiles should agree within 15% (the Locust process's CPU is reported:
 * a saturated generator reads slow).
 */
import type { BenchContext } from '../lib/context.js';
import { gatewaySession, runLoad } from '../lib/journey.js';
import { runLocust } from '../lib/locust.js';
import { p50, p99, round, quantile } from '../lib/stats.js';

export async function loadToolArm(ctx: BenchContext, o: { users: number; seconds: number }, log: (m: string) => void) {
  const run = await runLocust({ host: ctx.urls.gatewayStream, users: o.users, seconds: o.seconds });
  const turn = run.row('SSE', 'turn');
  const ttft = run.row('SSE', 'ttft');
  const failures = run.row('', 'Aggregated')?.failures ?? NaN;
  if (run.code !== 0 || !turn || !ttft) throw new Error(`load tool: locust exited ${run.code}\n${run.output.slice(-2000)}`);
  log(`load tool: locust ${turn.count} turns, ${turn.rps} turns/s, TTFT p50 ${ttft.p50} ms`);
  // The node bench, same journey, same turn count and concurrency, same gateway.
  const t0 = performance.now();
  const { results } = await runLoad(turn.count, o.users, () => gatewaySession(ctx.urls.gatewayStream, ctx.token), 'load tool node side');
  const nodeS = (performance.now() - t0) / 1000;
  const nodeTtft = results.map((r) => r.ttftMs);
  const node = {
    turns: results.length,
    turns_per_s: round(results.length / nodeS, 1),
    ttft_ms: { p50: round(p50(nodeTtft), 1), p90: round(quantile(nodeTtft, 0.9), 1), p99: round(p99(nodeTtft), 1) },
    turn_ms_p50: round(p50(results.map((r) => r.totalMs)), 1),
  };
  const locust = {
    turns: turn.count,
    turns_per_s: round(turn.rps, 1),
    ttft_ms: { p50: ttft.p50, p90: ttft.p90, p99: ttft.p99 },
    turn_ms_p50: turn.p50,
    failures,
    cpu_s: round(run.cpuS, 1),
    cpu_share_of_one_core: round(run.cpuS / run.wallS, 2),
  };
  const ratio = (a: number, b: number) => round(a / b, 2);
  return {
    tool: 'locust 2.47.0 (scripts/load/chat_locust.py)',
    users: o.users,
    seconds: o.seconds,
    model_delay_ms_per_token: ctx.opts.streamDelayMs,
    locust,
    node,
    locust_over_node: {
      turns_per_s: ratio(locust.turns_per_s, node.turns_per_s),
      ttft_p50: ratio(locust.ttft_ms.p50, node.ttft_ms.p50),
      ttft_p99: ratio(locust.ttft_ms.p99, node.ttft_ms.p99),
    },
  };
}
