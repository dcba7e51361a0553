/**
 * `node --import tsx bench/micro/engine-ttft-profile.ts [turns]`: where the engine's time to first
 * token goes. One engine (zero-delay model, real Redis) under `--cpu-prof` on BENCH_NODE (default:
 * this Node), c1 turns straight to it. The client notes each turn's send and first-token instants
 * on the monotonic clock V8's profiler also uses, so every sample is classed as inside a turn's
 * TTFT window, inside the rest of a turn, or between turns; the report is the CPU inside the TTFT
 * windows: per turn, by package, the hottest functions (self) and the heaviest frames (inclusive).
 * The profile lands in bench/results/profiles/engine-ttft/ (open it in Chrome DevTools).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, startRedis, waitFor } from '../../scripts/testkit/index.js';
import { ENGINE_KEY, writeBenchTenants, removeDir } from '../lib/stack.js';
import { engineSession, assertOk, LEAD_SCRIPT, type Session } from '../lib/journey.js';
import { closePools } from '../lib/turn-client.js';
import { p50, p99 } from '../lib/stats.js';

const turns = Number(process.argv[2] ?? 600);
const node = process.env.BENCH_NODE || process.execPath;
const DIR = fileURLToPath(new URL('../results/profiles/engine-ttft/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface PNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: PNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

rmSync(DIR, { recursive: true, force: true });
mkdirSync(DIR, { recursive: true });
const tenants = writeBenchTenants();
const redis = await startRedis();
const port = await freePort();
const child = spawn(node, ['--cpu-prof', `--cpu-prof-dir=${DIR}`, '--cpu-prof-interval', '250', '--import', 'tsx', 'engine/src/server.ts'], {
  cwd: ROOT,
  env: {
    ...process.env,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    ENGINE_KEY,
    REDIS_URL: redis.url,
    EMBEDDED_TOKEN_DELAY_MS: '0',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const url = `http://127.0.0.1:${port}`;
// Windows in microseconds of CLOCK_MONOTONIC: [send, first token, end].
const windows: Array<[number, number, number]> = [];
const ttfts: number[] = [];
try {
  await waitFor(async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok === true, 120_000, 'engine up');
  let s: Session | undefined;
  for (let i = 0; i < turns + 120; i++) {
    const k = i % LEAD_SCRIPT.length;
    if (k === 0) s = engineSession([url], tenants.template);
    const t0 = Number(process.hrtime.bigint() / 1000n);
    const r = assertOk(await s!.turn(LEAD_SCRIPT[k]!), 'engine ttft');
    if (i >= 120) {
      windows.push([t0, t0 + r.ttftMs * 1000, t0 + r.totalMs * 1000]);
      ttfts.push(r.ttftMs);
    }
  }
} finally {
  await closePools();
  await new Promise<void>((r) => {
    child.once('exit', () => r());
    child.kill('SIGTERM');
  });
  await redis.stop();
  removeDir(tenants.dir);
}

// The main thread's profile is the largest (tsx runs its loader in a worker).
const file = readdirSync(DIR)
  .map((f) => `${DIR}${f}`)
  .sort((a, b) => readFileSync(b).length - readFileSync(a).length)[0]!;
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((x) => [x.id, x]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: PNode) => {
  const f = n.callFrame;
  const where = f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(engine|shared)\//, '$1/');
  return `${f.functionName || '(anon)'} ${where}${where ? `:${f.lineNumber + 1}` : ''}`;
};
const pkgOf = (n: PNode) => {
  const u = n.callFrame.url;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  if (m) return m[1]!;
  if (/\/engine\/src\//.test(u)) return 'engine/src';
  if (/\/shared\//.test(u)) return 'shared';
  if (u.startsWith('node:')) return 'node:internal';
  return n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : u ? 'other' : '(native)';
};

const self = new Map<string, number>();
const incl = new Map<string, number>();
const pkg = new Map<string, number>();
const cls = { ttft: 0, rest: 0, between: 0 };
let ts = p.startTime;
let w = 0;
p.samples.forEach((id, i) => {
  const dt = p.timeDeltas[i] ?? 0;
  ts += dt;
  while (w < windows.length && windows[w]![2] < ts) w++;
  const win = windows[w];
  const n = byId.get(id)!;
  const idle = n.callFrame.functionName === '(idle)';
  if (!win || ts < win[0]) {
    if (!idle) cls.between += dt;
    return;
  }
  if (ts > win[1]) {
    if (!idle) cls.rest += dt;
    return;
  }
  if (idle) return;
  cls.ttft += dt;
  self.set(label(n), (self.get(label(n)) ?? 0) + dt);
  pkg.set(pkgOf(n), (pkg.get(pkgOf(n)) ?? 0) + dt);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur)!);
    if (seen.has(l)) continue;
    seen.add(l);
    incl.set(l, (incl.get(l) ?? 0) + dt);
  }
});
const perTurn = (us: number) => `${(us / 1000 / windows.length).toFixed(3)} ms/turn`;
const pct = (us: number) => `${((100 * us) / cls.ttft).toFixed(1)}%`;
console.log(
  `node ${node}; ${windows.length} c1 turns, zero-delay model: engine TTFT p50 ${p50(ttfts).toFixed(2)} ms, p99 ${p99(ttfts).toFixed(2)} ms (under the profiler)`,
);
console.log(`engine CPU (non-idle samples): in TTFT windows ${perTurn(cls.ttft)}, rest of turn ${perTurn(cls.rest)}, between turns ${perTurn(cls.between)}`);
console.log(
  'TTFT window by package:',
  [...pkg]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 14)
    .map(([k, v]) => `${k} ${pct(v)}`)
    .join(', '),
);
console.log('TTFT window, self time:');
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${pct(v).padStart(6)}  ${k}`);
console.log('TTFT window, inclusive (engine/src, langgraph, langchain core frames):');
for (const [k, v] of [...incl]
  .filter(([k]) => /engine\/src|langgraph|@langchain\/core/.test(k))
  .sort((a, b) => b[1] - a[1])
  .slice(0, 30))
  console.log(`  ${pct(v).padStart(6)}  ${perTurn(v).padStart(16)}  ${k}`);
console.log(`profile: ${file}`);
