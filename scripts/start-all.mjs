#!/usr/bin/env node
// `npm start`: the whole system for a newcomer, in one terminal. `npm start` builds first (`npm run
// build`: every workspace compiled to dist/, the widget and console bundled); this script then runs
// the compiled services with plain node, as in production (no tsx in their processes).
// - a private redis-server when one is on PATH (data under ./.data/redis, AOF on), else in-memory;
// - the engine on 127.0.0.1 (ENGINE_KEY generated when unset; EMBEDDED_TOKEN_DELAY_MS=30 so streaming shows);
// - the gateway (JWT_SECRET generated once and kept in ./.data/jwt-secret for dev, with a warning);
// - ADMIN_KEY generated once and kept in ./.data/admin-key for dev (the admin API is off in production without one);
// - a tenant key for the demo tenant `acme` kept in ./.data/tenant-key (made with the admin key when
//   missing or no longer accepted), to sign in to the console at /console;
// then prints the demo URL, a ready-to-paste `curl -N` command with a fresh token, an admin curl line
// and the console's URL with that tenant key.
// Ctrl-C (or SIGTERM) stops every child and waits for them. Env overrides: PORT (gateway, 3000),
// ENGINE_PORT (4001), REDIS_PORT (6390), HOST (127.0.0.1), REDIS_URL (use yours, start none),
// DATA_DIR (./.data), REDIS_APPENDFSYNC (everysec | always | no; see docs/reliability.md).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = process.env.DATA_DIR || `${ROOT}.data`;
const children = [];
let stopping = false;

const log = (msg) => console.log(`[start] ${msg}`);
const warn = (msg) => console.warn(`[start] WARNING: ${msg}`);

function portFree(port) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function pickPort(preferred) {
  if (await portFree(preferred)) return preferred;
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

async function waitFor(check, ms, what) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const redisPing = (port) =>
  new Promise((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' }, () => s.write('PING\r\n'));
    s.setTimeout(500, () => {
      s.destroy();
      resolve(false);
    });
    s.on('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    s.on('error', () => resolve(false));
  });

const healthy = async (url) => {
  try {
    return (await fetch(`${url}/healthz`)).ok;
  } catch {
    return false;
  }
};

function run(name, cmd, args, env) {
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (d) =>
    d
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((l) => `[${name}] ${l}\n`)
      .join('');
  child.stdout.on('data', (d) => process.stdout.write(prefix(d)));
  child.stderr.on('data', (d) => process.stderr.write(prefix(d)));
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[start] ${name} exited (${signal ?? code}); stopping everything`);
      void stopAll(1);
    }
  });
  children.push({ name, child });
  return child;
}

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  // Gateway first (it ends open streams), then the engine, then Redis (AOF flushed on SIGTERM).
  for (const { name, child } of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timeout = sleep(10_000).then(() => 'timeout');
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      warn(`${name} did not stop in 10 s: killing it`);
      child.kill('SIGKILL');
    }
  }
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

function devJwtSecret() {
  if (process.env.JWT_SECRET) return process.env.JWT_SECRET;
  if (process.env.NODE_ENV === 'production') throw new Error('JWT_SECRET is required when NODE_ENV=production');
  const file = `${DATA}/jwt-secret`;
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
    warn(`JWT_SECRET is unset: generated a dev secret in ${file}. Set JWT_SECRET outside dev.`);
  } else {
    warn(`JWT_SECRET is unset: using the dev secret in ${file}.`);
  }
  return readFileSync(file, 'utf8').trim();
}

/** The platform operator's key for /admin/v1: kept in ./.data/admin-key for dev, like the JWT secret. */
function devAdminKey() {
  if (process.env.ADMIN_KEY) return process.env.ADMIN_KEY;
  if (process.env.NODE_ENV === 'production') return '';
  const file = `${DATA}/admin-key`;
  if (!existsSync(file)) writeFileSync(file, `adm_${randomBytes(24).toString('base64url')}`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/**
 * A tenant key for the demo tenant, to sign in to the console: kept in ./.data/tenant-key, made anew
 * (by the operator's key, through the admin API) when the file is missing or the key no longer works
 * (revoked, or an in-memory registry that forgot it). '' when there is no admin API or no acme.
 */
async function devTenantKey(gatewayUrl, adminKey) {
  if (!adminKey) return '';
  const file = `${DATA}/tenant-key`;
  const works = async (key) => (await fetch(`${gatewayUrl}/admin/v1/tenants/acme`, { headers: { authorization: `Bearer ${key}` } })).ok;
  const kept = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (kept && (await works(kept))) return kept;
  const res = await fetch(`${gatewayUrl}/admin/v1/tenants/acme/keys`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}` } });
  if (!res.ok) {
    warn(`no console key: creating a key for the demo tenant acme answered ${res.status}`);
    return '';
  }
  const { key } = await res.json();
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}

function engineKey() {
  if (process.env.ENGINE_KEY) return process.env.ENGINE_KEY;
  if (process.env.NODE_ENV === 'production') throw new Error('ENGINE_KEY is required when NODE_ENV=production');
  return randomBytes(24).toString('base64url');
}

/** A service's node arguments: its `nodeFlags` (its package.json) and compiled entry point (missing: say how to build it). */
function compiled(name) {
  const entry = `${name}/dist/server.js`;
  if (!existsSync(`${ROOT}${entry}`)) throw new Error(`${entry} is missing: run \`npm run build\` first (\`npm start\` does)`);
  const { nodeFlags = [] } = JSON.parse(readFileSync(`${ROOT}${name}/package.json`, 'utf8'));
  return [...nodeFlags, entry];
}

async function main() {
  mkdirSync(DATA, { recursive: true });
  const engineEntry = compiled('engine');
  const gatewayEntry = compiled('gateway');
  const host = process.env.HOST || '127.0.0.1';
  const jwtSecret = devJwtSecret();
  const key = engineKey();
  const adminKey = devAdminKey();

  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    const hasRedis = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
    if (hasRedis) {
      // everysec: a Redis crash loses nothing acknowledged, a power loss up to ~1 s; always: nothing, slower.
      const fsync = process.env.REDIS_APPENDFSYNC || 'everysec';
      if (!['everysec', 'always', 'no'].includes(fsync)) throw new Error(`REDIS_APPENDFSYNC must be everysec, always or no, got "${fsync}"`);
      const port = await pickPort(Number(process.env.REDIS_PORT || 6390));
      mkdirSync(`${DATA}/redis`, { recursive: true });
      run('redis', 'redis-server', [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        `${DATA}/redis`,
        '--appendonly',
        'yes',
        '--appendfsync',
        fsync,
        '--save',
        '',
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
      ]);
      await waitFor(() => redisPing(port), 10_000, 'redis-server');
      redisUrl = `redis://127.0.0.1:${port}`;
      log(`redis-server on ${redisUrl} (AOF in .data/redis, appendfsync ${fsync})`);
    } else {
      warn('redis-server is not on PATH: engine and gateway keep state in memory (lost on exit).');
    }
  }

  const enginePort = await pickPort(Number(process.env.ENGINE_PORT || 4001));
  const engineUrl = `http://127.0.0.1:${enginePort}`;
  run('engine', process.execPath, engineEntry, {
    PORT: String(enginePort),
    HOST: '127.0.0.1', // internal: never exposed
    ENGINE_KEY: key,
    REDIS_URL: redisUrl ?? '',
    EMBEDDED_TOKEN_DELAY_MS: process.env.EMBEDDED_TOKEN_DELAY_MS ?? '30',
  });
  await waitFor(() => healthy(engineUrl), 60_000, 'the engine');

  const gatewayPort = Number(process.env.PORT || 3000);
  const gatewayUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${gatewayPort}`;
  run('gateway', process.execPath, gatewayEntry, {
    PORT: String(gatewayPort),
    HOST: host,
    ENGINE_URL: engineUrl,
    ENGINE_KEY: key,
    REDIS_URL: redisUrl ?? '',
    JWT_SECRET: jwtSecret,
    ADMIN_KEY: adminKey,
  });
  await waitFor(() => healthy(gatewayUrl), 60_000, 'the gateway');

  const minted = spawnSync(process.execPath, ['--conditions=chat-source', '--import', 'tsx', 'scripts/token.ts', 'pk_acme_web'], {
    cwd: ROOT,
    env: { ...process.env, JWT_SECRET: jwtSecret, DATA_DIR: DATA },
    encoding: 'utf8',
  });
  if (minted.status !== 0) throw new Error(`could not mint a token: ${minted.stderr}`);
  const token = minted.stdout.trim();
  const demoUrl = gatewayUrl.replace('127.0.0.1', 'localhost') + '/';
  const tenantKey = await devTenantKey(gatewayUrl, adminKey);
  const body = JSON.stringify({ message: { id: 'm1', text: "Hi, I'm Jane Doe, jane@example.com" } });

  console.log(`
  Ready.
  Demo:  ${demoUrl}${gatewayPort === 3000 ? '' : '   (the example tenants allow the demo origin on port 3000 only)'}
  Curl (token valid 10 minutes; new one: npm run token -- pk_acme_web):

curl -N ${gatewayUrl}/v1/chat -H 'Authorization: Bearer ${token}' -H 'Content-Type: application/json' -d '${body.replace(/'/g, "'\\''")}'
${
  adminKey
    ? `
  Admin API (ADMIN_KEY is a dev key kept in .data/admin-key): the demo tenant's leads

curl -s ${gatewayUrl}/admin/v1/tenants/acme/submissions -H 'Authorization: Bearer ${adminKey}'
`
    : ''
}${
  tenantKey
    ? `
  Console: ${demoUrl}console  (tenant key for acme: ${tenantKey})
`
    : ''
}
  Ctrl-C stops everything.
`);
}

main().catch((e) => {
  console.error(`[start] ${e.message}`);
  void stopAll(1);
});
