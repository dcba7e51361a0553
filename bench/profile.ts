/**
 * `node --import tsx bench/profile.ts [turns]`: the zero-delay end-to-end path under
 * `node --cpu-prof` (gateway and engine), then the hottest functions by self time per process.
 * Profiles land in bench/results/profiles/ (open them in Chrome DevTools).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { freePort, startRedis, waitFor } from '../scripts/testkit/index.js';
import { ENGINE_KEY, JWT_SECRET, NO_LIMITS_ENV, visitorToken, writeBenchTenants, removeDir } from './lib/stack.js';
import { gatewaySession, runLoad } from './lib/journey.js';
import { closePools } from './lib/turn-client.js';

const turns = Number(process.argv[2] ?? 3000);
const DIR = fileURLToPath(new URL('./results/profiles/', import.meta.url));

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

function top(file: string, n = 25) {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const f = node.callFrame;
    const where = f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '');
    const key = `${f.functionName || '(anon)'} ${where}:${f.lineNumber + 1}`;
    const dt = p.timeDeltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  const byPkg = new Map<string, number>();
  for (const [k, v] of self) {
    const m = /\s((?:@[^/]+\/)?[^/:]+)/.exec(k.slice(k.indexOf(' ')));
    const pkg = m?.[1] ?? '?';
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + v);
  }
  const pct = (v: number) => `${((100 * v) / total).toFixed(1)}%`;
  console.log(`\n${file.split('/').pop()} (${(total / 1e6).toFixed(1)} s sampled)`);
  console.log(
    '  by package:',
    [...byPkg]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([k, v]) => `${k} ${pct(v)}`)
      .join(', '),
  );
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`  ${pct(v).padStart(6)}  ${k}`);
}

rmSync(DIR, { recursive: true, force: true });
mkdirSync(DIR, { recursive: true });
const tenants = writeBenchTenants();
const redis = await startRedis();
// Node 20 refuses --cpu-prof in NODE_OPTIONS: spawn the services with it on the command line.
async function profiled(name: 'engine' | 'gateway', env: Record<string, string>) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--cpu-prof', `--cpu-prof-dir=${DIR}${name}`, '--conditions=chat-source', '--import', 'tsx', `${name}/src/server.ts`],
    {
      env: { ...process.env, NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok === true, 30_000, `${name} up`);
  return {
    url,
    kill: () =>
      new Promise<void>((r) => {
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}
const engine = await profiled('engine', { ENGINE_KEY, REDIS_URL: redis.url, EMBEDDED_TOKEN_DELAY_MS: '0' });
const gateway = await profiled('gateway', {
  ENGINE_KEY,
  JWT_SECRET,
  REDIS_URL: redis.url,
  ENGINE_URL: engine.url,
  TENANTS_FILE: tenants.file,
  ...NO_LIMITS_ENV,
});
try {
  const token = await visitorToken(gateway.url);
  await runLoad(200, 16, () => gatewaySession(gateway.url, token), 'warm-up');
  const { wallMs } = await runLoad(turns, 16, () => gatewaySession(gateway.url, token), 'profile');
  console.log(`${turns} turns in ${(wallMs / 1000).toFixed(1)} s: ${(turns / (wallMs / 1000)).toFixed(1)} turns/s (under the profiler)`);
} finally {
  await closePools();
  await gateway.kill();
  await engine.kill();
  await redis.stop();
  removeDir(tenants.dir);
}
// One profile per thread (tsx runs its loader in a worker): the main thread's is the largest.
for (const name of ['engine', 'gateway']) {
  const files = readdirSync(`${DIR}${name}`).map((f) => `${DIR}${name}/${f}`);
  const main = files.sort((a, b) => readFileSync(b).length - readFileSync(a).length)[0];
  if (main) top(main);
}
