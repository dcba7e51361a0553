/**
 * Must show 9: `npm start` (scripts/start-all.mjs) brings up redis, engine and gateway, and prints a
 * demo URL and a `curl -N` command that both work, and the console's URL with a tenant key that
 * signs in. The services are the compiled ones (dist/ JS with plain node, no tsx in the process), as
 * `npm start` runs them after its build. Run on free ports with its own data dir, then
 * stopped the way a newcomer stops it (SIGINT to the process group).
 */
import t from 'tap';
import { nodeFlags } from '../../scripts/testkit/procs.js';
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitFor } from '../../scripts/testkit/index.js';
import { createSseParser, type WireEvent } from '@chat/shared';
import { ROOT } from './helpers.js';

// `npm start` builds before it runs scripts/start-all.mjs; here the services' part of that build
// (`npm test` built everything already: then this compiles nothing and writes nothing).
await promisify(execFile)(
  process.execPath,
  [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'shared/tsconfig.build.json', 'engine/tsconfig.build.json', 'gateway/tsconfig.build.json'],
  { cwd: ROOT },
);

const dataDir = mkdtempSync(join(tmpdir(), 'start-all-'));
t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
const [port, enginePort, redisPort] = [await freePort(), await freePort(), await freePort()];
const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), ENGINE_PORT: String(enginePort), REDIS_PORT: String(redisPort), DATA_DIR: dataDir };
for (const k of ['JWT_SECRET', 'ENGINE_KEY', 'REDIS_URL', 'NODE_ENV', 'HOST', 'LOG_LEVEL', 'ADMIN_KEY']) delete env[k];

const child = spawn(process.execPath, ['scripts/start-all.mjs'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
let out = '';
child.stdout.on('data', (d) => (out += d));
child.stderr.on('data', (d) => (out += d));
const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
t.teardown(() => {
  if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
});

await waitFor(() => /Ctrl-C stops everything/.test(out) || child.exitCode !== null, 90_000, 'npm start to print its instructions');

/** The live processes whose parent is `pid`, with their command lines and environments. */
function childrenOf(pid: number): Array<{ pid: number; argv: string[]; env: string }> {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after its ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== pid) continue;
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      found.push({ pid: Number(entry), argv, env: readFileSync(`/proc/${entry}/environ`, 'utf8') });
    } catch {
      // gone in between
    }
  }
  return found;
}

t.test('the services run the compiled JavaScript with plain node, no tsx', async (t) => {
  const kids = childrenOf(child.pid!);
  for (const name of ['engine', 'gateway']) {
    const proc = kids.find((k) => k.argv.includes(`${name}/dist/server.js`));
    t.ok(proc, `a ${name} process running ${name}/dist/server.js (${JSON.stringify(kids.map((k) => k.argv))})`);
    if (!proc) continue;
    t.same(
      proc.argv,
      [process.execPath, ...nodeFlags(name as 'engine' | 'gateway'), `${name}/dist/server.js`],
      'node, its nodeFlags and the compiled entry, nothing else on its command line',
    );
    t.notMatch(proc.env, /tsx/, 'no tsx loader in its environment (NODE_OPTIONS) either');
  }
  t.notOk(
    kids.some((k) => k.argv.some((a) => /tsx|\.ts$/.test(a))),
    'no child of npm start runs tsx or a .ts file',
  );
});

t.test('it prints a demo URL and a curl command', async (t) => {
  t.match(out, /redis-server on redis:\/\/127\.0\.0\.1:\d+/, 'a private redis-server (on PATH here)');
  t.ok(existsSync(join(dataDir, 'redis')), 'data under the data dir');
  t.match(out, /JWT_SECRET is unset: generated a dev secret/, 'warns about the generated dev secret');
  t.ok(existsSync(join(dataDir, 'jwt-secret')), 'and keeps it');
});

t.test('the demo URL answers', async (t) => {
  const demo = /Demo:\s+(\S+)/.exec(out)?.[1];
  t.ok(demo, 'a demo URL');
  const res = await fetch(demo!);
  const hasDemo = existsSync(join(ROOT, 'widget/demo/index.html'));
  t.equal(res.status, hasDemo ? 200 : 404, hasDemo ? 'the demo page' : 'widget not built: a JSON 404');
  if (hasDemo) t.match(await res.text(), /<chat-widget/);
});

t.test('the printed curl -N command streams a reply', async (t) => {
  const line = out.split('\n').find((l) => l.startsWith('curl -N '));
  t.ok(line, 'a curl -N line');
  const { stdout } = await promisify(execFile)('sh', ['-c', line!], { timeout: 30_000 });
  const events: WireEvent[] = [];
  createSseParser({ onEvent: (e) => events.push(e) }).feed(stdout);
  t.equal(events[0]?.event, 'session');
  t.ok(
    events.some((e) => e.event === 'token'),
    'tokens',
  );
  t.equal(events.at(-1)?.event, 'done');
});

t.test("the printed admin curl lists the demo tenant's leads, and the chat above became one", async (t) => {
  const line = out.split('\n').find((l) => l.startsWith('curl -s ') && l.includes('/admin/v1/tenants/acme/submissions'));
  t.ok(line, 'an admin curl line');
  t.ok(existsSync(join(dataDir, 'admin-key')), 'with a dev ADMIN_KEY kept in the data dir');
  // The curl -N turn gave a name and an email: the demo template's required fields, so a lead.
  let page: { items: Array<{ status: string; data: Record<string, unknown> }>; next: string | null } = { items: [], next: null };
  await waitFor(
    async () => {
      const { stdout } = await promisify(execFile)('sh', ['-c', line!], { timeout: 10_000 });
      page = JSON.parse(stdout);
      return page.items.length > 0;
    },
    10_000,
    'the lead in the admin API',
  );
  t.match(page.items[0], { status: 'complete', data: { name: 'Jane Doe', email: 'jane@example.com' } });
});

t.test('the printed console URL answers and the printed tenant key signs in', async (t) => {
  const m = /Console:\s+(\S+)\s+\(tenant key for acme: (sk_\S+)\)/.exec(out);
  t.ok(m, 'a console line with a tenant key');
  const [, url = '', key = ''] = m ?? [];
  const page = await fetch(url);
  t.equal(page.status, 200, url);
  t.match(page.headers.get('content-type'), /^text\/html/, 'the console page');
  t.match(await page.text(), /<chat-console/);
  const tenant = await fetch(`http://127.0.0.1:${port}/admin/v1/tenants/acme`, { headers: { authorization: `Bearer ${key}` } });
  t.equal(tenant.status, 200, 'the key reads its tenant, as the console does after sign-in');
  t.equal(((await tenant.json()) as { id: string }).id, 'acme');
  t.equal(readFileSync(join(dataDir, 'tenant-key'), 'utf8').trim(), key, 'kept in the data dir for the next start');
});

t.test('Ctrl-C stops everything cleanly', async (t) => {
  process.kill(-child.pid!, 'SIGINT');
  t.equal(await exited, 0);
  const alive = await fetch(`http://127.0.0.1:${port}/healthz`).then(
    () => true,
    () => false,
  );
  t.notOk(alive, 'the gateway is gone');
});
