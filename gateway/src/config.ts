/**
 * Environment -> one typed, validated config object. Read once at start-up; every limit has a
 * name and a default here, and every error names the bad key.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { isExampleTenantsFile, repositorySecrets } from './production.js';

export interface Config {
  env: 'production' | 'development' | 'test';
  port: number;
  host: string;
  logLevel: string;
  /** The first of `engineUrls` (one engine: the only one). */
  engineUrl: string;
  /** ENGINE_URL, comma-separated: turns are spread round-robin over these replicas. */
  engineUrls: string[];
  engineKey: string;
  /** One URL, or comma-separated seed nodes of a Redis Cluster. */
  redisUrl: string | undefined;
  /** REDIS_CLUSTER=true or several seed nodes in REDIS_URL: node-redis's cluster client. */
  redisCluster: boolean;
  jwtSecret: string;
  /** True when JWT_SECRET was generated for this process (dev only). */
  jwtSecretGenerated: boolean;
  jwtIssuer: string;
  jwtAudience: 'chat';
  tokenTtlS: number;
  /** How long after expiry a platform token still proves who the visitor was, to keep `sub` on refresh (at most TOKEN_TTL_S). */
  tokenRefreshGraceS: number;
  /** A chain of refreshed platform tokens ends this long after its first token was issued (`oiat`). */
  tokenMaxLifetimeS: number;
  /** Oldest `iat` accepted on any token, and the longest `exp - iat` of a customer-minted one. */
  tokenMaxAgeS: number;
  jwtClockToleranceS: number;
  maxTokenBytes: number;
  /** Seeds an empty registry; '' for none (the production default: tenants come from the admin API). */
  tenantsFile: string;
  trustProxy: boolean | number | string;
  bodyLimitBytes: number;
  maxMessageChars: number;
  requestTimeoutMs: number;
  heartbeatMs: number;
  sessionTtlS: number;
  engineConnectTimeoutMs: number;
  engineHeadersTimeoutMs: number;
  engineBodyTimeoutMs: number;
  enginePoolConnections: number;
  shutdownGraceMs: number;
  /** Stream entries kept per session for resuming (MAXLEN ~). */
  eventLogMaxEvents: number;
  /** How often a follower looks at the log for a turn relayed by another process. */
  eventLogPollMs: number;
  /** Unacknowledged log appends before the relay pauses the engine. */
  eventLogMaxPending: number;
  /** A turn's events go to the log in one command per this many ms (0: per burst). */
  eventLogFlushMs: number;
  /** Lease of the running-turn marker, renewed while the turn is relayed. */
  turnLeaseMs: number;
  rateTokenPerMinute: number;
  rateTurnsPerMinute: number;
  rateSessionsPerHour: number;
  rateReadsPerMinute: number;
  /** Turns per site (all its visitors) per minute. */
  rateSiteTurnsPerMinute: number;
  /** Turns per tenant (all its sites) per minute. */
  rateTenantTurnsPerMinute: number;
  /** Turns relayed at once by this process; more answer 503 `overloaded` with Retry-After. */
  maxConcurrentTurns: number;
  staticMaxAgeS: number;
  widgetFile: string;
  demoFile: string;
  /** The console's page and bundle (served at /console and /console.js). */
  consoleHtml: string;
  consoleFile: string;
  /** Waits after failed attempts 1, 2, ... (jittered ±20%); the last one ends the retries. */
  webhookRetryScheduleMs: number[];
  webhookTimeoutMs: number;
  /** How often each gateway looks for due deliveries and idle sessions. */
  webhookPollMs: number;
  webhookBatch: number;
  /** How long a delivery record is kept (its id stays idempotent that long). */
  webhookRetainS: number;
  /** A session idle this long and not complete is `abandoned` (must be below SESSION_TTL_S). */
  sessionIdleS: number;
  /** Bearer token for GET /metrics; unset: open, except in production where /metrics is off. */
  metricsToken: string | undefined;
  /** Log message text and collected values (off: only ids, sizes and field names). */
  logContent: boolean;
  /** The platform operator's key for /admin/v1; unset: the admin API answers 404. */
  adminKey: string | undefined;
  /** How often each gateway checks the registry's version (the fallback for a missed change message). */
  registryPollMs: number;
  /** Audit entries kept per tenant. */
  auditMaxEntries: number;
  /** How long a lead (submission) is kept. */
  submissionsRetainDays: number;
  /** A completed lead's later changes are sent as one `session.updated` this long after the last. */
  webhookUpdateDebounceMs: number;
  /** Bytes of the widget's `context` attribute kept per session (JSON). */
  maxContextBytes: number;
  /** How long a console preview's draft template stays usable. */
  previewTtlS: number;
}

export class ConfigError extends Error {
  constructor(key: string, problem: string) {
    super(`config ${key}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const repoPath = (rel: string) => fileURLToPath(new URL(`../../${rel}`, import.meta.url));

function int(env: Env, key: string, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(key, `must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(key, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function str(env: Env, key: string, def: string): string {
  const raw = env[key];
  return raw === undefined || raw === '' ? def : raw;
}

function url(env: Env, key: string, def: string): string {
  const v = str(env, key, def);
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:' && u.protocol !== 'redis:' && u.protocol !== 'rediss:')
      throw new Error('scheme');
  } catch {
    throw new ConfigError(key, `must be an http(s) or redis URL, got "${v}"`);
  }
  return v.replace(/\/+$/, '');
}

/** A comma-separated list of URLs, each checked like `url()`. */
function urls(env: Env, key: string, def: string): string[] {
  const raw = str(env, key, def);
  const list = raw.split(',').map((u) => u.trim()).filter(Boolean);
  if (list.length === 0) throw new ConfigError(key, 'must name at least one URL');
  return list.map((u) => url({ [key]: u }, key, def));
}

/** A comma-separated list of positive integers. */
function intList(env: Env, key: string, def: number[]): number[] {
  const raw = (env[key] ?? '').trim();
  if (raw === '') return def;
  const list = raw.split(',').map((x) => x.trim());
  if (!list.every((x) => /^\d+$/.test(x) && Number(x) > 0)) throw new ConfigError(key, `must be comma-separated positive integers, got "${raw}"`);
  return list.map(Number);
}

function bool(env: Env, key: string, def: boolean): boolean {
  const raw = (env[key] ?? '').trim();
  if (raw === '') return def;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(key, `must be true or false, got "${raw}"`);
}

/** Fastify's trustProxy: off, true, a hop count, or a comma list of addresses/CIDRs. */
function trustProxy(env: Env, prod: boolean): boolean | number | string {
  const raw = (env.TRUST_PROXY ?? '').trim();
  if (raw === '' || raw === 'off' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === 'on') {
    // Every client could then name its own address (X-Forwarded-For) and escape the per-address limits.
    if (prod) throw new ConfigError('TRUST_PROXY', 'must be a hop count or a list of proxy addresses/CIDRs when NODE_ENV=production, not true');
    return true;
  }
  if (/^\d+$/.test(raw)) return Number(raw);
  if (/^[0-9a-fA-F:.,/ ]+$/.test(raw)) return raw;
  throw new ConfigError('TRUST_PROXY', `must be off, true, a hop count or a list of addresses, got "${raw}"`);
}

export interface LoadedConfig {
  config: Config;
  /** Things an operator should see at start-up (generated secrets, in-memory store). */
  warnings: string[];
}

export function loadConfig(env: Env = process.env): LoadedConfig {
  const warnings: string[] = [];
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const prod = nodeEnv === 'production';

  let jwtSecret = env.JWT_SECRET ?? '';
  let jwtSecretGenerated = false;
  if (jwtSecret === '') {
    if (prod) throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production');
    jwtSecret = randomBytes(32).toString('base64url');
    jwtSecretGenerated = true;
    warnings.push('JWT_SECRET is unset: generated a random one for this process (tokens die with it). Set it outside dev.');
  } else if (jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET', 'must be at least 32 characters');
  }

  const engineKey = env.ENGINE_KEY ?? '';
  if (engineKey === '') {
    if (prod) throw new ConfigError('ENGINE_KEY', 'is required when NODE_ENV=production');
    warnings.push('ENGINE_KEY is unset: the engine will refuse the gateway. `npm start` sets one for both.');
  }

  const redisUrls = env.REDIS_URL ? urls(env, 'REDIS_URL', '') : undefined;
  const redisUrl = redisUrls?.join(',');
  const redisCluster = bool(env, 'REDIS_CLUSTER', false) || (redisUrls?.length ?? 0) > 1;
  if (redisCluster && !redisUrl) throw new ConfigError('REDIS_CLUSTER', 'needs REDIS_URL (one or more seed nodes)');
  const engineUrls = urls(env, 'ENGINE_URL', 'http://127.0.0.1:4001');
  if (!redisUrl) {
    if (prod) throw new ConfigError('REDIS_URL', 'is required when NODE_ENV=production');
    warnings.push('REDIS_URL is unset: sessions and rate limits live in this process memory only (one replica, lost on restart).');
  }

  const config: Config = {
    env: nodeEnv,
    port: int(env, 'PORT', 3000, 0, 65535),
    host: str(env, 'HOST', '0.0.0.0'),
    logLevel: str(env, 'LOG_LEVEL', 'info'),
    engineUrl: engineUrls[0]!,
    engineUrls,
    engineKey,
    redisUrl,
    redisCluster,
    jwtSecret,
    jwtSecretGenerated,
    jwtIssuer: str(env, 'JWT_ISSUER', 'chat-gateway'),
    jwtAudience: 'chat',
    tokenTtlS: int(env, 'TOKEN_TTL_S', 600, 30, 86400),
    tokenRefreshGraceS: 0,
    tokenMaxLifetimeS: 0,
    tokenMaxAgeS: int(env, 'TOKEN_MAX_AGE_S', 86400, 60),
    jwtClockToleranceS: int(env, 'JWT_CLOCK_TOLERANCE_S', 5, 0, 300),
    // A token with our claims is ~400 bytes; a few KB leaves room for customer claims, not for abuse.
    maxTokenBytes: int(env, 'MAX_TOKEN_BYTES', 4096, 256, 16384),
    tenantsFile: str(env, 'TENANTS_FILE', prod ? '' : repoPath('gateway/tenants.example.json')),
    trustProxy: trustProxy(env, prod),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 16384, 1024, 1048576),
    maxMessageChars: int(env, 'MAX_MESSAGE_CHARS', 4000, 1),
    // Time to receive a whole request (not to answer it): SSE replies are unaffected.
    requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 10000, 1),
    heartbeatMs: int(env, 'HEARTBEAT_MS', 15000, 100),
    sessionTtlS: int(env, 'SESSION_TTL_S', 86400, 60),
    engineConnectTimeoutMs: int(env, 'ENGINE_CONNECT_TIMEOUT_MS', 2000, 50),
    engineHeadersTimeoutMs: int(env, 'ENGINE_HEADERS_TIMEOUT_MS', 15000, 100),
    // Longer than the engine's heartbeat, so only a silent engine trips it.
    engineBodyTimeoutMs: int(env, 'ENGINE_BODY_TIMEOUT_MS', 60000, 100),
    enginePoolConnections: int(env, 'ENGINE_POOL_CONNECTIONS', 128, 1),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10000, 0),
    // A few hundred events per turn: the last turns of a conversation, what a reconnect needs.
    eventLogMaxEvents: int(env, 'EVENT_LOG_MAX_EVENTS', 5000, 100),
    eventLogPollMs: int(env, 'EVENT_LOG_POLL_MS', 100, 10, 5000),
    eventLogMaxPending: int(env, 'EVENT_LOG_MAX_PENDING', 1000, 10),
    // The live client never waits for the log; a resuming one finds it this far behind at most.
    eventLogFlushMs: int(env, 'EVENT_LOG_FLUSH_MS', 50, 0, 1000),
    // A gateway killed mid-turn blocks its session's next turn this long at most.
    turnLeaseMs: int(env, 'TURN_LEASE_MS', 3000, 300, 60000),
    rateTokenPerMinute: int(env, 'RATE_TOKEN_PER_MINUTE', 30, 1),
    rateTurnsPerMinute: int(env, 'RATE_TURNS_PER_MINUTE', 20, 1),
    rateSessionsPerHour: int(env, 'RATE_SESSIONS_PER_HOUR', 30, 1),
    rateReadsPerMinute: int(env, 'RATE_READS_PER_MINUTE', 120, 1),
    rateSiteTurnsPerMinute: int(env, 'RATE_SITE_TURNS_PER_MINUTE', 600, 1),
    rateTenantTurnsPerMinute: int(env, 'RATE_TENANT_TURNS_PER_MINUTE', 3000, 1),
    maxConcurrentTurns: int(env, 'MAX_CONCURRENT_TURNS', 500, 1),
    staticMaxAgeS: int(env, 'STATIC_MAX_AGE_S', 300, 0),
    widgetFile: str(env, 'WIDGET_FILE', repoPath('widget/dist/widget.js')),
    demoFile: str(env, 'DEMO_FILE', repoPath('widget/demo/index.html')),
    consoleHtml: str(env, 'CONSOLE_HTML', repoPath('console/index.html')),
    consoleFile: str(env, 'CONSOLE_FILE', repoPath('console/dist/console.js')),
    // Standard Webhooks' schedule, stretched with 10 h waits to about three days in all.
    webhookRetryScheduleMs: intList(env, 'WEBHOOK_RETRY_SCHEDULE_MS', [5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 36e6, 36e6, 36e6, 36e6, 36e6]),
    webhookTimeoutMs: int(env, 'WEBHOOK_TIMEOUT_MS', 15000, 100, 120000),
    webhookPollMs: int(env, 'WEBHOOK_POLL_MS', 1000, 10, 600000),
    webhookBatch: int(env, 'WEBHOOK_BATCH', 10, 1, 1000),
    webhookRetainS: int(env, 'WEBHOOK_RETAIN_S', 7 * 86400, 60),
    sessionIdleS: 0,
    metricsToken: env.METRICS_TOKEN || undefined,
    logContent: bool(env, 'LOG_CONTENT', false),
    adminKey: env.ADMIN_KEY || undefined,
    // The promise is "every replica within 1 s": pub/sub does it in milliseconds; this is the floor when a message is lost.
    registryPollMs: int(env, 'REGISTRY_POLL_MS', 1000, 50, 60000),
    auditMaxEntries: int(env, 'AUDIT_MAX_ENTRIES', 10000, 10),
    submissionsRetainDays: int(env, 'SUBMISSIONS_RETAIN_DAYS', 90, 1, 3650),
    webhookUpdateDebounceMs: int(env, 'WEBHOOK_UPDATE_DEBOUNCE_MS', 5000, 0, 3_600_000),
    maxContextBytes: int(env, 'MAX_CONTEXT_BYTES', 1024, 0, 8192),
    previewTtlS: int(env, 'PREVIEW_TTL_S', 3600, 60, 86400),
  };
  if (prod) {
    if (config.tenantsFile && isExampleTenantsFile(config.tenantsFile))
      throw new ConfigError('TENANTS_FILE', 'is the example tenants file: refused when NODE_ENV=production (name your own, or none and use the admin API)');
    const known = repositorySecrets();
    for (const [key, v] of [['JWT_SECRET', config.jwtSecret], ['ENGINE_KEY', config.engineKey], ['ADMIN_KEY', config.adminKey]] as const)
      if (v && known.has(v)) throw new ConfigError(key, 'is a secret from the repository: refused when NODE_ENV=production');
  }
  if (config.adminKey !== undefined && config.adminKey.length < 32) throw new ConfigError('ADMIN_KEY', 'must be at least 32 characters');
  // The grace after expiry is one token lifetime at most: a stolen, expired token is worth no more than a live one.
  config.tokenRefreshGraceS = int(env, 'TOKEN_REFRESH_GRACE_S', config.tokenTtlS, 0, config.tokenTtlS);
  config.tokenMaxLifetimeS = int(env, 'TOKEN_MAX_LIFETIME_S', Math.max(86400, config.tokenTtlS), config.tokenTtlS);
  config.sessionIdleS = int(env, 'SESSION_IDLE_S', Math.min(3600, Math.floor(config.sessionTtlS / 2)), 1);
  if (config.sessionIdleS >= config.sessionTtlS) throw new ConfigError('SESSION_IDLE_S', 'must be shorter than SESSION_TTL_S');
  if (config.heartbeatMs >= config.engineBodyTimeoutMs)
    throw new ConfigError('ENGINE_BODY_TIMEOUT_MS', 'must be longer than HEARTBEAT_MS');
  return { config, warnings };
}
