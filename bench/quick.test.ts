/**
 * `npm run bench -- --quick` keeps working: it runs against the real processes and writes
 * bench/results/latest.json with every key the performance issue names, as finite numbers, and the
 * relay lost no event. Speed is never judged here (CI machines vary); the bench reports it.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redisStackMissing } from '../scripts/testkit/index.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

const REQUIRED = [
  'gateway_added_ttft_ms.c1.p50',
  'gateway_added_ttft_ms.c1.p99',
  'gateway_added_ttft_ms.c64.p50',
  'gateway_added_ttft_ms.c64.p99',
  'relay_added_gap_ms.p50',
  'relay_added_gap_ms.p99',
  'events_in',
  'events_out',
  'turn200_over_turn2.engine_ms',
  'turn200_over_turn2.redis_bytes',
  'turn200_over_turn2.prompt_chars',
  'redis_roundtrips_per_turn',
  'redis_vs_memory_throughput',
  'idle_streams.count',
  'idle_streams.rss_kb_per_stream',
  'turns_per_s',
  // Anchor: the bare relaying hop runs in every bench.
  'bare_proxy.c1.bare_added_ttft_ms.p50',
  'bare_proxy.c1.gateway_added_ttft_ms.p50',
  'bare_proxy.c1.bare_added_gap_ms.p99',
  'bare_proxy.c64.bare_added_ttft_ms.p99',
  'bare_proxy.c64.gateway_added_ttft_ms.p99',
];
// Anchor: the official saver, where Redis Stack is installed (.ci/run installs it); quick runs use 20-turn sessions.
const OFFICIAL = ['ours', 'official'].flatMap((s) => [
  `official_saver.${s}.redis_roundtrips_per_turn`,
  `official_saver.${s}.redis_bytes_written.turn2`,
  `official_saver.${s}.redis_bytes_written.turn20`,
  `official_saver.${s}.engine_ms_per_turn.turn2`,
  `official_saver.${s}.engine_ms_per_turn.turn20`,
]);

const get = (o: unknown, path: string) => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);

t.test('npm run bench -- --quick writes every required figure', { timeout: 300_000 }, async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'bench-quick-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  // Without tap's coverage hooks: eight instrumented service processes would be timed, not the code.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_V8_COVERAGE' && k !== 'NODE_OPTIONS'));
  const child = spawn('npm', ['run', 'bench', '--', '--quick', '--out', out], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d));
  child.stderr.on('data', (d: Buffer) => (log += d));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  t.equal(code, 0, `bench exits 0\n${log.slice(-3000)}`);

  const result = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as Record<string, unknown>;
  t.equal(result.quick, true);
  const noStack = redisStackMissing();
  if (noStack) t.equal(get(result, 'official_saver.skipped'), noStack, 'official saver skipped with the reason');
  for (const key of [...REQUIRED, ...(noStack ? [] : OFFICIAL)]) {
    const v = get(result, key);
    t.ok(typeof v === 'number' && Number.isFinite(v), `${key} is a finite number (${String(v)})`);
  }
  t.ok((result.events_in as number) > 0, 'the relay carried events');
  t.equal(result.events_out, result.events_in, 'events out equal events in');
  t.match(get(result, 'load_tool.skipped'), /bench\/load-tool.test.ts/, 'the load tool is left to its own smoke test in quick runs');
  for (const side of ['direct', 'bare', 'gateway']) t.ok((get(result, `bare_proxy.c1.events_per_turn.${side}`) as number) > 0, `${side} turns carried events`);
  t.ok((result.idle_streams as { count: number }).count > 0, 'idle streams were held');
  t.equal(get(result, 'detail.keys_or_scan_calls'), 0, 'no KEYS or SCAN during the run');
  const md = readFileSync(join(out, 'latest.md'), 'utf8');
  t.match(md, /## Performance/);
  for (const svg of ['turn-latency.svg', 'ttft.svg']) t.match(readFileSync(join(out, svg), 'utf8'), /^<svg /, `${svg} is an SVG`);
});
