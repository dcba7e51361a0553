/**
 * The real processes a bench run measures: redis-server, engines and gateways, each on a free
 * port via scripts/testkit, plus a tenants file whose limits never throttle the load generator.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceRuntime, startRedis, startService, type ServiceProcess, type ServiceRuntime } from '../../scripts/testkit/index.js';
import { closePools } from './turn-client.js';
import { undici } from './undici.js';

export const ENGINE_KEY = 'bench-engine-key-0123456789abcdef';
export const JWT_SECRET = 'bench-jwt-secret-0123456789abcdef0123456789';
export const SITE_KEY = 'pk_acme_web';
export const SITE_ORIGIN = 'https://acme.example';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The example tenants with limits no bench reaches: the bench measures speed, not the limiter. */
export function writeBenchTenants(root = ROOT): { file: string; dir: string; template: unknown } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const tenants = JSON.parse(readFileSync(join(root, 'gateway/tenants.example.json'), 'utf8')) as {
    tenants: Array<{ limits: Record<string, number>; templates: Record<string, unknown> }>;
  };
  for (const t of tenants.tenants) t.limits = { turnsPerMinute: 100_000_000, sessionsPerHour: 100_000_000 };
  const file = join(dir, 'tenants.json');
  writeFileSync(file, JSON.stringify(tenants));
  return { file, dir, template: tenants.tenants[0]!.templates['lead-intake'] };
}

/**
 * How the services run: BENCH_RUNTIME=compiled (dist/ with plain node, as in production; `npm run
 * build` first) or tsx (the sources, the default); BENCH_NODE=path runs them with another node binary
 * (the load generator stays on the node that runs the bench).
 */
export const RUNTIME: Runtime = { runtime: serviceRuntime(process.env.BENCH_RUNTIME, 'BENCH_RUNTIME'), node: process.env.BENCH_NODE || process.execPath };

export interface Runtime {
  runtime: ServiceRuntime;
  node: string;
  /** Another checkout to run the services from (bench/micro/runtimes.ts BEFORE_TREE). */
  root?: string;
}

export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });

export interface EngineOptions {
  redisUrl?: string;
  tokenDelayMs: number;
  extraEnv?: Record<string, string>;
  /** This service's runtime, instead of BENCH_RUNTIME/BENCH_NODE's. */
  runtime?: Runtime;
}

export function startEngine(o: EngineOptions): Promise<ServiceProcess> {
  return startService('engine', {
    ...(o.runtime ?? RUNTIME),
    env: {
      ENGINE_KEY,
      REDIS_URL: o.redisUrl ?? '',
      EMBEDDED_TOKEN_DELAY_MS: String(o.tokenDelayMs),
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      ...o.extraEnv,
    },
  });
}

export interface GatewayOptions {
  redisUrl: string;
  engineUrl: string;
  tenantsFile: string;
  heartbeatMs?: number;
  poolConnections?: number;
  extraEnv?: Record<string, string>;
  /** This service's runtime, instead of BENCH_RUNTIME/BENCH_NODE's. */
  runtime?: Runtime;
}

/** The gateway's own limits out of the way: the bench runs thousands of turns a minute on one site. */
export const NO_LIMITS_ENV = {
  RATE_TOKEN_PER_MINUTE: '100000000',
  RATE_SITE_TURNS_PER_MINUTE: '100000000',
  RATE_TENANT_TURNS_PER_MINUTE: '100000000',
};

export function startGateway(o: GatewayOptions): Promise<ServiceProcess> {
  return startService('gateway', {
    ...(o.runtime ?? RUNTIME),
    env: {
      ENGINE_KEY,
      JWT_SECRET,
      REDIS_URL: o.redisUrl,
      ENGINE_URL: o.engineUrl,
      TENANTS_FILE: o.tenantsFile,
      ...NO_LIMITS_ENV,
      HEARTBEAT_MS: String(o.heartbeatMs ?? 15_000),
      ENGINE_POOL_CONNECTIONS: String(o.poolConnections ?? 256),
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      ...o.extraEnv,
    },
  });
}

/** A visitor token, the way the widget gets one. */
export async function visitorToken(gatewayUrl: string): Promise<string> {
  const res = await undici.request(`${gatewayUrl}/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: SITE_ORIGIN },
    body: JSON.stringify({ siteKey: SITE_KEY }),
  });
  const body = (await res.body.json()) as { token?: string };
  if (res.statusCode !== 200 || !body.token) throw new Error(`token: ${res.statusCode} ${JSON.stringify(body)}`);
  return body.token;
}

/** Redis, one engine and one gateway in front of it, for the small probes in bench/micro/. */
export async function startSmallStack(tokenDelayMs: number) {
  const tenants = writeBenchTenants();
  const redis = await startRedis();
  const engine = await startEngine({ redisUrl: redis.url, tokenDelayMs });
  const gateway = await startGateway({ redisUrl: redis.url, engineUrl: engine.url, tenantsFile: tenants.file });
  return {
    redisUrl: redis.url,
    tenants,
    engine,
    gateway,
    async stop() {
      await closePools();
      await gateway.kill();
      await engine.kill();
      await redis.stop();
      removeDir(tenants.dir);
    },
  };
}
