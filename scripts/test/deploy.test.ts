/**
 * The production image and compose file, checked without Docker (none on these machines): the
 * Dockerfile and compose.yaml are parsed and every property the deployment promises is asserted.
 * - Dockerfile: a build stage and a runtime stage, both node:24-slim; the runtime installs production
 *   dependencies only (`npm ci --omit=dev`) and copies the build's output, never sources or tests;
 *   NODE_ENV=production, a non-root USER, a HEALTHCHECK that needs no curl, `CMD ["node", …]`.
 * - compose.yaml: every service has a healthcheck, an init, a stop grace period longer than the
 *   services' drain (read from their own config, with the environment compose gives them) and waits
 *   for what it needs to be healthy; secrets come from the environment; no example tenants.
 * - What the image runs exists: the compiled entry points are what tsc's build config emits, the
 *   files the gateway serves by default are in the image, and the services' code imports only
 *   production dependencies.
 */
import t from 'tap';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { nodeFlags } from '../testkit/procs.js';
import { loadConfig as loadEngineConfig } from '../../engine/src/config.js';
import { loadConfig as loadGatewayConfig } from '../../gateway/src/config.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A `node [flags…] <entry>` command line: its entry point and the flags before it. */
function nodeCommand(cmd: string[] | undefined): { entry: string; flags: string[] } {
  const i = cmd?.findIndex((a, j) => j > 0 && !a.startsWith('-')) ?? -1;
  return { entry: i > 0 ? cmd![i]! : '', flags: i > 0 ? cmd!.slice(1, i) : [] };
}
const workspaceOf = (entry: string) => entry.split('/')[0] as 'engine' | 'gateway';
const read = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');

// --- Dockerfile: logical lines (continuations joined, comments dropped), grouped by stage.

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  image: string;
  name: string | undefined;
  steps: Instruction[];
}

function parseDockerfile(text: string): Stage[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw)) continue;
    const line = raw.trimEnd();
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    if (full) lines.push(full);
  }
  const stages: Stage[] = [];
  for (const line of lines) {
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`Dockerfile: cannot read "${line}"`);
    const op = m[1]!.toUpperCase();
    const args = m[2]!;
    if (op === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`Dockerfile: cannot read FROM ${args}`);
      stages.push({ image: from[1]!, name: from[2], steps: [] });
    } else {
      if (!stages.length) throw new Error(`Dockerfile: ${op} before FROM`);
      stages.at(-1)!.steps.push({ op, args });
    }
  }
  return stages;
}

/** The JSON array of an exec-form instruction (CMD, HEALTHCHECK … CMD), or undefined for shell form. */
function execForm(args: string): string[] | undefined {
  try {
    const v = JSON.parse(args) as unknown;
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
}

/** COPY's sources and destination, and its --from stage if any (exec or shell form, flags first). */
function parseCopy(args: string): { from: string | undefined; sources: string[]; dest: string } {
  const words = args.split(/\s+/);
  let from: string | undefined;
  while (words[0]?.startsWith('--')) {
    const flag = words.shift()!;
    if (flag.startsWith('--from=')) from = flag.slice('--from='.length);
  }
  const dest = words.pop()!;
  return { from, sources: words, dest };
}

const stages = parseDockerfile(read('Dockerfile'));
const runtime = stages.at(-1);
const build = stages.find((s) => s.name === 'build');
if (!runtime || !build) throw new Error('Dockerfile: expected a stage named build and a final runtime stage');
const steps = (s: Stage, op: string) => s.steps.filter((i) => i.op === op);
const workdir = steps(runtime, 'WORKDIR').at(-1)?.args ?? '/';

/** Every repository path the runtime image holds, as repository-relative paths ('gateway/dist', …). */
const imagePaths = steps(runtime, 'COPY').flatMap(({ args }) => {
  const { from, sources, dest } = parseCopy(args);
  const target = posix.relative(workdir, posix.resolve(workdir, dest));
  return sources.map((src) => {
    if (from) return posix.relative(steps(build, 'WORKDIR').at(-1)?.args ?? '/', src);
    return dest.endsWith('/') ? posix.join(target, posix.basename(src)) : target;
  });
});
const inImage = (rel: string) => imagePaths.some((p) => rel === p || rel.startsWith(`${p}/`));

t.test('Dockerfile: two stages on node:24-slim, the build with its dev dependencies', async (t) => {
  t.ok(stages.length >= 2, `multi-stage (${stages.length} stages)`);
  for (const s of stages) t.equal(s.image, 'node:24-slim', `stage ${s.name ?? '(runtime)'} is on node:24-slim`);
  t.not(runtime, build, 'the runtime is its own stage');
  const buildRuns = steps(build, 'RUN').map((r) => r.args);
  t.ok(
    buildRuns.some((r) => /\bnpm ci\b/.test(r) && !/--omit=dev/.test(r)),
    'the build installs every dependency (TypeScript, esbuild)',
  );
  t.ok(
    buildRuns.some((r) => /\bnpm run build\b/.test(r)),
    'and runs npm run build',
  );
});

t.test('Dockerfile: the runtime holds production dependencies and the compiled output only', async (t) => {
  const runs = steps(runtime, 'RUN').map((r) => r.args);
  t.ok(
    runs.some((r) => /\bnpm ci\b.*--omit=dev/.test(r)),
    'npm ci --omit=dev',
  );
  t.notOk(
    runs.some((r) => /\bnpm (ci|install|i)\b/.test(r) && !/--omit=dev/.test(r)),
    'no install with dev dependencies',
  );
  t.notOk(
    runs.some((r) => /\bnpm run build\b|\btsc\b|\btsx\b/.test(r)),
    'nothing built in the runtime stage',
  );
  t.ok(
    steps(runtime, 'ENV').some((e) => /\bNODE_ENV=production\b/.test(e.args)),
    'NODE_ENV=production',
  );
  const copies = steps(runtime, 'COPY').map((c) => parseCopy(c.args));
  for (const { from, sources } of copies) {
    for (const src of sources) {
      t.notOk(src === '.' || src === './', `${src}: not the whole context`);
      t.notMatch(src, /(^|\/)(src|test|tests|bench|docs)(\/|$)/, `${src}: no sources or tests`);
      if (from) {
        t.equal(from, 'build', `${src} comes from the build stage`);
        t.match(src, /\/dist\/?$/, `${src}: a build output directory`);
      } else {
        t.ok(existsSync(join(ROOT, src)), `${src} exists in the repository`);
        t.ok(statSync(join(ROOT, src)).isFile(), `${src} is a single file (package manifests, pages), not a directory`);
      }
    }
  }
  for (const ws of ['shared', 'engine', 'gateway', 'widget', 'console']) {
    t.ok(inImage(`${ws}/package.json`), `${ws}/package.json (npm ci links the workspace)`);
    t.ok(inImage(`${ws}/dist`), `${ws}/dist`);
  }
  t.ok(inImage('package-lock.json'), 'the lockfile, for npm ci');
});

t.test('Dockerfile: non-root, a HEALTHCHECK with node (no curl in the slim image), CMD is node itself', async (t) => {
  const user = steps(runtime, 'USER').at(-1)?.args;
  t.ok(user, 'a USER');
  t.notOk(user === 'root' || /^0(:|$)/.test(user ?? ''), `not root (${user})`);
  const hc = steps(runtime, 'HEALTHCHECK').at(-1)?.args ?? '';
  const hcCmd = execForm(hc.replace(/^(--\S+\s+)*CMD\s+/, ''));
  t.ok(hcCmd, `HEALTHCHECK … CMD in exec form (${hc})`);
  t.equal(hcCmd?.[0], 'node', 'run by node');
  t.match(hcCmd?.join(' ') ?? '', /fetch\(.*\/readyz/, "asking the service's /readyz");
  t.notMatch(hc, /\bcurl\b|\bwget\b/, 'no curl or wget');
  const cmd = execForm(steps(runtime, 'CMD').at(-1)?.args ?? '');
  t.ok(cmd, 'CMD in exec form (signals go to the process, not a shell)');
  t.equal(cmd?.[0], 'node', 'CMD runs node, not npm (npm cuts the drain short on SIGTERM)');
  const { entry, flags } = nodeCommand(cmd);
  t.match(entry, /^\w+\/dist\/server\.js$/, 'a compiled entry point');
  t.ok(inImage(entry || '-'), `${entry} is in the image`);
  t.same(flags, nodeFlags(workspaceOf(entry)), `the node flags are the workspace's nodeFlags (${flags.join(' ')})`);
});

t.test(".dockerignore keeps the host's node_modules and builds out of the context", async (t) => {
  const ignored = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim());
  for (const p of ['node_modules', '**/node_modules', '**/dist', '.git', '.data']) t.ok(ignored.includes(p), p);
});

t.test('the compiled entry points are what tsc emits: src/server.ts to dist/server.js', async (t) => {
  for (const ws of ['engine', 'gateway']) {
    const tsconfig = JSON.parse(read(`${ws}/tsconfig.build.json`)) as { compilerOptions: { rootDir: string; outDir: string; noEmit: boolean } };
    t.match(tsconfig.compilerOptions, { rootDir: 'src', outDir: 'dist', noEmit: false }, `${ws}: src/ compiles to dist/`);
    t.ok(existsSync(join(ROOT, ws, 'src/server.ts')), `${ws}/src/server.ts`);
    const pkg = JSON.parse(read(`${ws}/package.json`)) as { scripts: Record<string, string> };
    t.equal(
      pkg.scripts.start,
      ['node', ...nodeFlags(ws as 'engine' | 'gateway'), 'dist/server.js'].join(' '),
      `npm run start -w ${ws} runs the compiled output with plain node (and its nodeFlags)`,
    );
  }
});

// --- compose.yaml

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[]; interval?: string };
  depends_on?: Record<string, { condition?: string }> | string[];
  init?: boolean;
  stop_grace_period?: string;
  volumes?: string[];
}
const composeText = read('compose.yaml');
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };
const services = Object.entries(compose.services);
const nodeServices = services.filter(([, s]) => s.build !== undefined);

/** A compose duration ("30s", "1m30s", "1500ms") in milliseconds. */
function durationMs(d: string): number {
  let ms = 0;
  const re = /(\d+(?:\.\d+)?)(ms|us|h|m|s)/g;
  let m: RegExpExecArray | null;
  let consumed = '';
  while ((m = re.exec(d))) {
    consumed += m[0];
    ms += Number(m[1]) * { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 }[m[2] as 'h' | 'm' | 's' | 'ms' | 'us'];
  }
  if (consumed !== d) throw new Error(`not a compose duration: ${d}`);
  return ms;
}

/**
 * The environment compose gives a service in the image: the image's NODE_ENV=production, then the
 * service's `environment`, its ${VAR:?…} secrets filled with test values, ${VAR:-default} defaults.
 */
function serviceEnv(s: Service): Record<string, string> {
  const env: Record<string, string> = { NODE_ENV: 'production' };
  for (const [k, v] of Object.entries(s.environment ?? {})) {
    env[k] = String(v).replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_, name: string, kind?: string, rest?: string) =>
      kind === '-' ? (rest ?? '') : `${name.toLowerCase()}-from-the-environment-0123456789abcdef`,
    );
  }
  return env;
}

t.test('compose: every service has a healthcheck, an init and waits for healthy dependencies', async (t) => {
  t.ok(services.length >= 3, `services: ${services.map(([n]) => n).join(', ')}`);
  for (const [name, s] of services) {
    const test = s.healthcheck?.test;
    t.ok(Array.isArray(test) && test.length > 1 && ['CMD', 'CMD-SHELL'].includes(test[0]!), `${name}: a healthcheck (${JSON.stringify(test)})`);
    t.equal(s.init, true, `${name}: init: true`);
    t.notOk(Array.isArray(s.depends_on), `${name}: depends_on in the long form, with conditions`);
    for (const [dep, cond] of Object.entries(s.depends_on ?? {})) {
      t.equal((cond as { condition?: string }).condition, 'service_healthy', `${name} waits for ${dep} to be healthy`);
      t.ok(compose.services[dep]?.healthcheck, `${dep} has the healthcheck that condition needs`);
    }
  }
  for (const [name, s] of nodeServices) {
    t.same(s.healthcheck?.test?.slice(0, 3), ['CMD', 'node', '-e'], `${name}: the healthcheck runs node (no curl in node:24-slim)`);
    t.match(s.healthcheck?.test?.[3] ?? '', /fetch\('http:\/\/127\.0\.0\.1:(\d+)\/readyz'\)/, `${name}: asks its own /readyz`);
    const port = /127\.0\.0\.1:(\d+)/.exec(s.healthcheck?.test?.[3] ?? '')?.[1];
    t.equal(port, s.environment?.PORT, `${name}: on the port it listens on`);
  }
  const gateway = compose.services.gateway;
  t.ok(gateway, 'a gateway');
  const engines = services.filter(([, s]) => s.command?.includes('engine/dist/server.js')).map(([n]) => n);
  t.ok(engines.length >= 1, `engines: ${engines.join(', ')}`);
  for (const e of [...engines, 'redis']) t.ok(e in (gateway?.depends_on ?? {}), `the gateway waits for ${e}`);
});

t.test('compose: the node services run compiled JS with node, and stop with time to drain', async (t) => {
  t.ok(nodeServices.length >= 2, 'engine and gateway services built from the Dockerfile');
  for (const [name, s] of nodeServices) {
    t.equal(s.command?.[0], 'node', `${name}: node, not npm`);
    const { entry, flags } = nodeCommand(s.command);
    t.match(entry, /^\w+\/dist\/server\.js$/, `${name}: a compiled entry point`);
    t.ok(inImage(entry || '-'), `${name}: ${entry} is in the image`);
    t.same(flags, nodeFlags(workspaceOf(entry)), `${name}: the workspace's nodeFlags (${flags.join(' ')})`);
    const env = serviceEnv(s);
    // The drain the service will actually have: its own config, loaded with the environment compose gives it.
    const drainMs = entry.startsWith('engine/') ? loadEngineConfig(env).shutdownGraceMs : loadGatewayConfig(env).config.shutdownGraceMs;
    t.ok(drainMs > 0, `${name}: drains for ${drainMs} ms`);
    t.ok(s.stop_grace_period, `${name}: a stop_grace_period`);
    t.ok(durationMs(s.stop_grace_period ?? '0s') > drainMs, `${name}: stop_grace_period ${s.stop_grace_period} is longer than the drain (${drainMs} ms)`);
  }
  for (const [name, s] of services) {
    if (nodeServices.some(([n]) => n === name) || !s.stop_grace_period) continue;
    t.ok(durationMs(s.stop_grace_period) >= 10_000, `${name}: ${s.stop_grace_period} to stop (Redis flushes its AOF on SIGTERM)`);
  }
});

t.test('compose: secrets come from the environment, required; no example tenants', async (t) => {
  const secretKeys = new Set<string>();
  for (const [name, s] of services) {
    for (const [k, v] of Object.entries(s.environment ?? {})) {
      if (!/KEY|SECRET|TOKEN|PASSWORD/.test(k)) continue;
      secretKeys.add(k);
      t.match(String(v), new RegExp(`^\\$\\{${k}:\\?[^}]+\\}$`), `${name}: ${k} from the environment, refused when unset`);
    }
  }
  for (const k of ['ENGINE_KEY', 'JWT_SECRET', 'ADMIN_KEY']) t.ok(secretKeys.has(k), `${k} is given`);
  t.notMatch(composeText, /tenants\.example/, 'the example tenants file appears nowhere');
  for (const [name, s] of services) t.notOk(s.environment?.TENANTS_FILE, `${name}: no TENANTS_FILE (tenants come from the admin API)`);
  // The production configs accept that environment: no example material, every secret long enough.
  for (const [name, s] of nodeServices) {
    const env = serviceEnv(s);
    t.doesNotThrow(
      () => (nodeCommand(s.command).entry.startsWith('engine/') ? loadEngineConfig(env) : loadGatewayConfig(env)),
      `${name}: a valid production configuration`,
    );
  }
});

// --- What the image runs needs nothing the image leaves out.

t.test('the files the gateway serves by default are in the image', async (t) => {
  const gateway = compose.services.gateway!;
  const { config } = loadGatewayConfig(serviceEnv(gateway));
  for (const key of ['widgetFile', 'demoFile', 'consoleHtml', 'consoleFile'] as const) {
    const rel = posix.relative(ROOT, config[key]);
    // dist/ files are built in the image; the others are in the repository now.
    t.ok(inImage(rel), `${key}: ${rel} is copied into the image`);
    if (!rel.includes('/dist/')) t.ok(existsSync(config[key]), `${rel} exists`);
  }
});

t.test('the services import only production dependencies (the image has no dev dependencies)', async (t) => {
  const pkg = (ws: string) => JSON.parse(read(`${ws}/package.json`)) as { name: string; dependencies?: Record<string, string> };
  const builtins = new Set(builtinModules);
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
  for (const ws of ['shared', 'engine', 'gateway']) {
    // Its own name too: a package may import itself by name (its exports).
    const deps = new Set([pkg(ws).name, ...Object.keys(pkg(ws).dependencies ?? {})]);
    const missing = new Set<string>();
    for (const file of walk(join(ROOT, ws, 'src'))) {
      const code = readFileSync(file, 'utf8');
      // Static imports and re-exports (type-only ones vanish in the build), and dynamic import('…').
      const specs = [
        ...[...code.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1]!),
        ...[...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
        ...[...code.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
      ];
      for (const spec of specs) {
        if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec)) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!deps.has(name)) missing.add(`${name} (${posix.relative(ROOT, file)})`);
      }
    }
    t.same([...missing], [], `${ws}: every package its code imports is in its dependencies`);
  }
});
