/**
 * Turn the samples into bench/results/latest.json (the keys the issue names, plus detail),
 * latest.md (a table and a `## Performance` snippet for the README) and two SVG plots.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { machineCpuShare, type BenchContext } from './lib/context.js';
import type { StreamingSamples } from './arms/streaming.js';
import type { GrowthSamples } from './arms/growth.js';
import { turnsPerS, type ThroughputSamples } from './arms/throughput.js';
import type { RoundTrips } from './arms/roundtrips.js';
import type { IdleResult } from './arms/idle.js';
import type { bareProxyResult } from './arms/bare-proxy.js';
import type { officialSaverArm } from './arms/official-saver.js';
import type { loadToolArm } from './arms/load-tool.js';
import { median, p50, p99, round, summary } from './lib/stats.js';
import { cdf, lineChart } from './lib/svg.js';
import type { TurnResult } from './lib/turn-client.js';

export interface ReportInput {
  ctx: BenchContext;
  streaming: StreamingSamples;
  growth: GrowthSamples;
  throughput: ThroughputSamples;
  roundTrips: RoundTrips;
  idle: IdleResult;
  anchors: Anchors;
  wallS: number;
}

type Skipped = { skipped: string };
/** The anchors measured beside us in the same run; each may be skipped, with the reason. */
export interface Anchors {
  official_saver: Awaited<ReturnType<typeof officialSaverArm>> | Skipped;
  load_tool: Awaited<ReturnType<typeof loadToolArm>> | Skipped;
  bare_proxy: ReturnType<typeof bareProxyResult> | Skipped;
}

const ttfts = (rs: TurnResult[]) => rs.map((r) => r.ttftMs);
const gaps = (rs: TurnResult[]) => rs.flatMap((r) => r.gapsMs);
const added = (gw: number[], direct: number[]) => ({ p50: round(p50(gw) - p50(direct)), p99: round(p99(gw) - p99(direct)) });

/** Median over sessions of the median of a small window of turns around `at`. */
function windowMedian(g: GrowthSamples, from: number, to: number, pick: (s: GrowthSamples['turns'][0][0]) => number | undefined): number {
  const perSession = g.turns.map((turns) =>
    median(
      turns
        .filter((t) => t.turn >= from && t.turn <= to)
        .map(pick)
        .filter((v): v is number => v !== undefined && Number.isFinite(v)),
    ),
  );
  return median(perSession.filter(Number.isFinite));
}

export function writeReport(dir: string, input: ReportInput) {
  const { ctx, streaming: s, growth: g, throughput: t, roundTrips, idle } = input;
  const last = ctx.opts.longTurns;
  const at = (turn: number, pick: (x: GrowthSamples['turns'][0][0]) => number | undefined) => windowMedian(g, turn, turn, pick);
  const engineMs2 = windowMedian(g, 2, 6, (x) => x.engineMs);
  const engineMsLast = windowMedian(g, last - 4, last, (x) => x.engineMs);
  const keysOrScan = Object.entries(ctx.accounts).reduce((a, [, acc]) => a + (acc.redis.keys ?? 0) + (acc.redis.scan ?? 0), 0);
  const accRedis = ctx.accounts.C_redis;
  const e2e = ctx.accounts.E2E_gateway;
  const perTurnCpu = (acc: typeof e2e) =>
    acc
      ? Object.fromEntries(
          Object.entries(acc.cpuMs)
            .filter(([, v]) => v > 0)
            .map(([k, v]) => [k, round(v / acc.turns, 3)]),
        )
      : {};
  const commandsPerTurn = (acc: typeof e2e) => (acc ? round(Object.values(acc.redis).reduce((a, b) => a + b, 0) / acc.turns, 2) : NaN);

  const result = {
    generated_at: new Date().toISOString(),
    quick: ctx.opts.quick,
    machine: { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model ?? '', node: process.version, mem_gb: round(os.totalmem() / 2 ** 30, 1) },
    options: ctx.opts,
    wall_s: round(input.wallS, 1),

    gateway_added_ttft_ms: {
      c1: added(ttfts(s.c1.gateway), ttfts(s.c1.direct)),
      c64: added(ttfts(s.c64.gateway), ttfts(s.c64.direct)),
    },
    gateway_c64_machine_cpu: round(machineCpuShare(ctx.accounts.A_c64_gateway), 2),
    engine_ttft_ms: { c1_zero_delay: summary(ttfts(s.engineZeroDelayC1)) },
    relay_added_gap_ms: added(gaps(s.c1.gateway), gaps(s.c1.direct)),
    events_in: s.relay.eventsIn,
    events_out: s.relay.eventsOut,
    turn200_over_turn2: {
      engine_ms: round(engineMsLast / engineMs2),
      redis_bytes: round(at(last, (x) => x.redisBytes) / at(2, (x) => x.redisBytes)),
      prompt_chars: round(at(last, (x) => x.promptChars) / at(2, (x) => x.promptChars)),
    },
    redis_roundtrips_per_turn: round(roundTrips.engine, 2),
    redis_vs_memory_throughput: round(turnsPerS(t, 'C_redis') / turnsPerS(t, 'C_memory')),
    idle_streams: { count: idle.count, rss_kb_per_stream: round(idle.rssKbPerStream, 2) },
    turns_per_s: round(turnsPerS(t, 'E2E_gateway'), 1),

    official_saver: input.anchors.official_saver,
    load_tool: input.anchors.load_tool,
    bare_proxy: input.anchors.bare_proxy,

    detail: {
      ttft_ms: {
        c1: { gateway: summary(ttfts(s.c1.gateway)), direct: summary(ttfts(s.c1.direct)) },
        c64: { gateway: summary(ttfts(s.c64.gateway)), direct: summary(ttfts(s.c64.direct)) },
      },
      gap_ms: {
        c1: { gateway: summary(gaps(s.c1.gateway)), direct: summary(gaps(s.c1.direct)) },
        c64: { gateway: summary(gaps(s.c64.gateway)), direct: summary(gaps(s.c64.direct)), added: added(gaps(s.c64.gateway), gaps(s.c64.direct)) },
      },
      turn_ms: {
        c1: { gateway: summary(s.c1.gateway.map((r) => r.totalMs)), direct: summary(s.c1.direct.map((r) => r.totalMs)) },
        c64: { gateway: summary(s.c64.gateway.map((r) => r.totalMs)), direct: summary(s.c64.direct.map((r) => r.totalMs)) },
      },
      bytes_per_turn: { gateway: p50(s.c1.gateway.map((r) => r.bytes)), direct: p50(s.c1.direct.map((r) => r.bytes)) },
      relay_turns: s.relay.turns,
      growth: {
        engine_ms: { turn2_window: round(engineMs2), [`turn${last}_window`]: round(engineMsLast) },
        redis_bytes_in: { turn2: at(2, (x) => x.redisBytes), [`turn${last}`]: at(last, (x) => x.redisBytes) },
        prompt_chars: { turn2: at(2, (x) => x.promptChars), [`turn${last}`]: at(last, (x) => x.promptChars) },
        session_memory_bytes: { turn2: at(2, (x) => x.sessionBytes), [`turn${last}`]: at(last, (x) => x.sessionBytes) },
      },
      redis_roundtrips: {
        engine_per_turn: round(roundTrips.engine, 2),
        gateway_per_turn: round(roundTrips.gateway, 2),
        total_per_turn: round(roundTrips.total, 2),
        engine_commands_per_turn: roundTrips.engineCommands,
        gateway_commands_per_turn: roundTrips.gatewayCommands,
        lua_internal_commands_per_turn_engine: round(roundTrips.luaPerTurnEngine, 2),
      },
      redis_commands_per_turn_incl_lua: { e2e_gateway: commandsPerTurn(e2e), engine_direct: commandsPerTurn(accRedis) },
      keys_or_scan_calls: keysOrScan,
      throughput_turns_per_s: Object.fromEntries(Object.keys(t.totals).map((k) => [k, round(turnsPerS(t, k), 1)])),
      throughput_ttft_ms: Object.fromEntries(Object.entries(t.totals).map(([k, v]) => [k, summary(v.ttft)])),
      cluster_2_over_1_engines: round(turnsPerS(t, 'CLUSTER_2_engines') / turnsPerS(t, 'CLUSTER_1_engine')),
      cpu_ms_per_turn: { e2e_gateway: perTurnCpu(e2e), engine_direct_redis: perTurnCpu(accRedis), engine_direct_memory: perTurnCpu(ctx.accounts.C_memory) },
      peak_rss_kb: Object.fromEntries(Object.entries(ctx.accounts).map(([k, v]) => [k, v.peakRssKb])),
      idle,
      arms: Object.fromEntries(
        Object.entries(ctx.accounts).map(([k, v]) => [k, { wall_s: round(v.wallMs / 1000, 2), turns: v.turns, redis_commands: v.redis }]),
      ),
    },
  };
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(dir, 'latest.md'), markdown(result));

  const lat = lineChart(
    `Turn time vs turn index (engine, zero-delay model, ${g.turns.length} session(s))`,
    'turn',
    'ms (median over sessions)',
    [
      {
        name: 'engine turn time',
        color: '#1f77b4',
        points: Array.from(
          { length: last },
          (_, i) => [i + 1, median(g.turns.map((ts) => ts[i]?.engineMs ?? NaN).filter(Number.isFinite))] as [number, number],
        ),
      },
    ],
    { yMin: 0 },
  );
  writeFileSync(join(dir, 'turn-latency.svg'), lat);
  const dist = lineChart(
    'TTFT distribution, gateway vs direct (CDF)',
    'time to first token, ms',
    'fraction of turns',
    [
      { name: 'c1 gateway', color: '#d62728', points: cdf(ttfts(s.c1.gateway)) },
      { name: 'c1 direct', color: '#1f77b4', points: cdf(ttfts(s.c1.direct)) },
      { name: 'c64 gateway', color: '#ff9896', points: cdf(ttfts(s.c64.gateway)) },
      { name: 'c64 direct', color: '#aec7e8', points: cdf(ttfts(s.c64.direct)) },
    ],
    { yMin: 0 },
  );
  writeFileSync(join(dir, 'ttft.svg'), dist);
  return result;
}

type Result = ReturnType<typeof writeReport>;

function markdown(r: Result): string {
  const ok = (pass: boolean) => (pass ? 'met' : '**missed**');
  const a = r.gateway_added_ttft_ms;
  const g = r.turn200_over_turn2;
  const rows: Array<[string, string, string, string]> = [
    ['Gateway-added TTFT, c1', `p50 ${a.c1.p50} ms, p99 ${a.c1.p99} ms`, 'p50 <= 1 ms, p99 <= 3 ms', ok(a.c1.p50 <= 1 && a.c1.p99 <= 3)],
    [
      'Gateway-added TTFT, c64',
      `p50 ${a.c64.p50} ms, p99 ${a.c64.p99} ms (machine CPU ${Math.round(100 * r.gateway_c64_machine_cpu)}% busy)`,
      'p99 <= 10 ms, machine not saturated',
      ok(a.c64.p99 <= 10),
    ],
    [
      'Engine TTFT, c1, zero-delay model',
      `p50 ${r.engine_ttft_ms.c1_zero_delay.p50} ms, p99 ${r.engine_ttft_ms.c1_zero_delay.p99} ms`,
      'p50 <= 2 ms',
      ok(r.engine_ttft_ms.c1_zero_delay.p50 <= 2),
    ],
    ['Relay-added inter-token gap', `p50 ${r.relay_added_gap_ms.p50} ms, p99 ${r.relay_added_gap_ms.p99} ms`, 'p99 <= 1 ms', ok(r.relay_added_gap_ms.p99 <= 1)],
    ['Events out / in', `${r.events_out} / ${r.events_in}`, 'equal', ok(r.events_out === r.events_in)],
    [
      'Turn 200 / turn 2',
      `engine ${g.engine_ms}x, Redis bytes ${g.redis_bytes}x, prompt ${g.prompt_chars}x`,
      'each <= 1.2x',
      ok(g.engine_ms <= 1.2 && g.redis_bytes <= 1.2 && g.prompt_chars <= 1.2),
    ],
    [
      'Redis round trips per turn (engine)',
      `${r.redis_roundtrips_per_turn} (gateway adds ${r.detail.redis_roundtrips.gateway_per_turn}); KEYS/SCAN: ${r.detail.keys_or_scan_calls}`,
      '<= 6, no KEYS/SCAN',
      ok(r.redis_roundtrips_per_turn <= 6 && r.detail.keys_or_scan_calls === 0),
    ],
    ['Redis / in-memory throughput', `${r.redis_vs_memory_throughput}x`, '>= 0.75x', ok(r.redis_vs_memory_throughput >= 0.75)],
    [
      'Idle streams, one gateway',
      `${r.idle_streams.count} at ${r.idle_streams.rss_kb_per_stream} KB RSS each (the process: ${Math.round(r.detail.idle.rssBeforeKb / 1024)} MB before, ${Math.round(r.detail.idle.rssOpenKb / 1024)} MB with them open)`,
      '5,000 at <= 20 KB',
      ok(r.idle_streams.count >= 5000 && r.idle_streams.rss_kb_per_stream <= 20),
    ],
    ['End-to-end turns/s (zero delay, via gateway)', `${r.turns_per_s}`, 'aim 400', ok(r.turns_per_s >= 400)],
    [
      'Cluster: 2 engines / 1 engine',
      `${r.detail.cluster_2_over_1_engines}x (${r.detail.throughput_turns_per_s.CLUSTER_2_engines} vs ${r.detail.throughput_turns_per_s.CLUSTER_1_engine} turns/s)`,
      'reported',
      '-',
    ],
  ];
  const m = r.machine;
  return [
    '## Performance',
    '',
    `Latest \`npm run bench${r.quick ? ' -- --quick' : ''}\` (${r.generated_at.slice(0, 10)}, ${m.cpus} cores ${m.cpu_model}, Node ${m.node}; gateway, engines, Redis and the load generator share the machine; ${r.wall_s} s).${r.quick ? ' **Quick run: small samples, not for judging.**' : ''}`,
    '',
    '| what | measured | target | |',
    '|---|---|---|---|',
    ...rows.map((x) => `| ${x.join(' | ')} |`),
    '',
    `TTFT p50 at c1: gateway ${r.detail.ttft_ms.c1.gateway.p50} ms, direct ${r.detail.ttft_ms.c1.direct.p50} ms; c64: gateway ${r.detail.ttft_ms.c64.gateway.p50} ms, direct ${r.detail.ttft_ms.c64.direct.p50} ms.`,
    `Zero-delay throughput (turns/s): ${Object.entries(r.detail.throughput_turns_per_s)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    `CPU ms per end-to-end turn: ${Object.entries(r.detail.cpu_ms_per_turn.e2e_gateway)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
    '![turn latency vs turn index](bench/results/turn-latency.svg) ![TTFT distribution](bench/results/ttft.svg)',
    '',
    ...anchorsMarkdown(r),
  ].join('\n');
}

const isSkipped = (a: object): a is { skipped: string } => 'skipped' in a;

function anchorsMarkdown(r: Result): string[] {
  const out = ['### Anchors, same run', ''];
  const b = r.bare_proxy;
  if (isSkipped(b)) out.push(`- Bare proxy hop: skipped (${b.skipped}).`);
  else {
    const line = (c: typeof b.c1, name: string) =>
      `- ${name}: added TTFT p50/p99 bare proxy ${c.bare_added_ttft_ms.p50}/${c.bare_added_ttft_ms.p99} ms, gateway ${c.gateway_added_ttft_ms.p50}/${c.gateway_added_ttft_ms.p99} ms ` +
      `(gateway / bare: ${c.gateway_over_bare.ttft_p50}x / ${c.gateway_over_bare.ttft_p99}x); added gap p99 bare ${c.bare_added_gap_ms.p99} ms, gateway ${c.gateway_added_gap_ms.p99} ms (${c.gateway_over_bare.gap_p99}x).`;
    out.push(line(b.c1, 'Bare proxy hop, c1'), line(b.c64, 'Bare proxy hop, c64'));
  }
  const o = r.official_saver;
  if (isSkipped(o)) out.push(`- Official LangGraph saver (Redis Stack): skipped (${o.skipped}).`);
  else {
    const last = `turn${o.turns}`;
    const s = (x: typeof o.ours) =>
      `${x.redis_roundtrips_per_turn} round trips/turn, bytes written turn 2 ${x.redis_bytes_written.turn2} / turn ${o.turns} ${x.redis_bytes_written[last]}, engine ms turn 2 ${x.engine_ms_per_turn.turn2} / turn ${o.turns} ${x.engine_ms_per_turn[last]}`;
    out.push(`- Official LangGraph saver vs ours (${o.redis}, ${o.sessions} session(s) of ${o.turns} turns): ours ${s(o.ours)}; official ${s(o.official)}.`);
  }
  const l = r.load_tool;
  if (isSkipped(l)) out.push(`- Independent load generator: skipped (${l.skipped}).`);
  else
    out.push(
      `- Independent load generator (${l.tool}), ${l.users} visitors, ${l.seconds} s, model delay ${l.model_delay_ms_per_token} ms/token: ` +
        `${l.locust.turns_per_s} turns/s, TTFT p50/p99 ${l.locust.ttft_ms.p50}/${l.locust.ttft_ms.p99} ms, ${l.locust.failures} failures (its CPU: ${l.locust.cpu_share_of_one_core} of a core); ` +
        `node bench, same journey and turns: ${l.node.turns_per_s} turns/s, TTFT p50/p99 ${l.node.ttft_ms.p50}/${l.node.ttft_ms.p99} ms; ` +
        `locust / node: ${l.locust_over_node.turns_per_s}x turns/s, ${l.locust_over_node.ttft_p50}x TTFT p50.`,
    );
  out.push('');
  return out;
}
