/**
 * Environment -> one typed, validated config object. Read once at start-up; every limit has a
 * name and a default here, and every error names the bad key.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ConfigError, bool, custom, int, intList, oneOf, readSettings, str, urls, type SettingsOf } from '@chat/shared/server';
import { isExampleTenantsFile, repositorySecrets } from './production.js';

export { ConfigError };

type Env = Record<string, string | undefined>;

const repoPath = (rel: string) => fileURLToPath(new URL(`../../${rel}`, import.meta.url));
const isProd = (env: Env) => env.NODE_ENV === 'production';

/** Fastify's trustProxy: off, true, a hop count, or a comma list of addresses/CIDRs. */
function trustProxy(raw: string, prod: boolean): boolean | number | string {
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

/**
 * Every gateway setting: variable, type, default, bounds, meaning (docs/configuration.md is
 * generated from this table: `npm run docs:config`). Read in this order; checks that join several
 * values, and production's refusals, follow in loadConfig.
 */
export const GATEWAY_SETTINGS = {
  env: oneOf({
    env: 'NODE_ENV',
    values: ['production', 'development', 'test'] as const,
    default: 'development',
    doc: '`production` refuses development material (generated secrets, the example tenants, in-memory state, open /metrics)',
  }),
  port: int({ env: 'PORT', default: 3000, min: 0, max: 65535, doc: 'listen port' }),
  host: str({ env: 'HOST', default: '0.0.0.0', doc: 'listen address' }),
  logLevel: str({ env: 'LOG_LEVEL', default: 'info', doc: 'pino level' }),
  /** ENGINE_URL, comma-separated: turns are spread round-robin over these replicas. */
  engineUrls: urls({
    env: 'ENGINE_URL',
    default: ['http://127.0.0.1:4001'],
    doc: 'the engine; several comma-separated URLs: turns are spread round-robin over these replicas',
  }),
  engineKey: str({ env: 'ENGINE_KEY', default: '', secret: true, defaultDoc: '— (required in production)', doc: 'service credential sent to the engine' }),
  redisUrls: urls({
    env: 'REDIS_URL',
    default: undefined,
    defaultDoc: 'unset → in-memory (warned; refused in production)',
    doc: 'one URL, or comma-separated seed nodes of a Redis Cluster',
  }),
  redisClusterFlag: bool({ env: 'REDIS_CLUSTER', default: false, doc: "node-redis's cluster client (also when REDIS_URL names several nodes)" }),
  jwtSecretRaw: str({
    env: 'JWT_SECRET',
    default: '',
    secret: true,
    defaultDoc: 'generated per process (dev only)',
    boundsDoc: '≥ 32 characters',
    doc: 'HMAC key of platform tokens',
  }),
  jwtIssuer: str({ env: 'JWT_ISSUER', default: 'chat-gateway', doc: '`iss` of platform tokens' }),
  tokenTtlS: int({ env: 'TOKEN_TTL_S', default: 600, min: 30, max: 86400, doc: 'lifetime of a platform token' }),
  /** Oldest `iat` accepted on any token, and the longest `exp - iat` of a customer-minted one. */
  tokenMaxAgeS: int({
    env: 'TOKEN_MAX_AGE_S',
    default: 86400,
    min: 60,
    doc: 'oldest `iat` accepted on any token, and the longest `exp - iat` of a customer-minted one',
  }),
  jwtClockToleranceS: int({ env: 'JWT_CLOCK_TOLERANCE_S', default: 5, min: 0, max: 300, doc: 'clock skew allowed on `exp`/`nbf`/`iat`' }),
  // A token with our claims is ~400 bytes; a few KB leaves room for customer claims, not for abuse.
  maxTokenBytes: int({ env: 'MAX_TOKEN_BYTES', default: 4096, min: 256, max: 16384, doc: 'longest bearer token accepted' }),
  /** Seeds an empty registry; '' for none (the production default: tenants come from the admin API). */
  tenantsFile: str({
    env: 'TENANTS_FILE',
    default: ({ env }) => (isProd(env) ? '' : repoPath('gateway/tenants.example.json')),
    defaultDoc: '`gateway/tenants.example.json`; none in production',
    doc: 'seeds an empty tenant registry (the example file is refused in production)',
  }),
  trustProxy: custom({
    env: 'TRUST_PROXY',
    type: 'enum or list',
    defaultDoc: 'off',
    boundsDoc: 'off, true (not in production), a hop count, addresses/CIDRs',
    doc: "Fastify's trustProxy: whose X-Forwarded-For to believe",
    read: (raw, { env }) => trustProxy((raw ?? '').trim(), isProd(env)),
  }),
  bodyLimitBytes: int({ env: 'BODY_LIMIT_BYTES', default: 16384, min: 1024, max: 1048576, doc: 'request body limit' }),
  maxMessageChars: int({ env: 'MAX_MESSAGE_CHARS', default: 4000, min: 1, doc: 'longer messages get 413 `message_too_long`' }),
  // Time to receive a whole request (not to answer it): SSE replies are unaffected.
  requestTimeoutMs: int({
    env: 'REQUEST_TIMEOUT_MS',
    default: 10000,
    min: 1,
    doc: 'time to receive a whole request (not to answer it: SSE replies are unaffected)',
  }),
  heartbeatMs: int({ env: 'HEARTBEAT_MS', default: 15000, min: 100, doc: '`: ping` comment interval on idle streams' }),
  sessionTtlS: int({ env: 'SESSION_TTL_S', default: 86400, min: 60, doc: 'TTL of a session, refreshed on use' }),
  engineConnectTimeoutMs: int({ env: 'ENGINE_CONNECT_TIMEOUT_MS', default: 2000, min: 50, doc: 'connecting to the engine' }),
  engineHeadersTimeoutMs: int({ env: 'ENGINE_HEADERS_TIMEOUT_MS', default: 15000, min: 100, doc: "the engine's response head" }),
  // Longer than the engine's heartbeat, so only a silent engine trips it.
  engineBodyTimeoutMs: int({
    env: 'ENGINE_BODY_TIMEOUT_MS',
    default: 60000,
    min: 100,
    boundsDoc: '≥ 100, > HEARTBEAT_MS',
    doc: 'silence allowed between two chunks of an engine stream',
  }),
  enginePoolConnections: int({ env: 'ENGINE_POOL_CONNECTIONS', default: 128, min: 1, doc: 'connections to each engine' }),
  shutdownGraceMs: int({
    env: 'SHUTDOWN_GRACE_MS',
    default: 10000,
    min: 0,
    doc: 'on SIGTERM: answer 503 to new requests, let open streams finish this long, then exit',
  }),
  // A few hundred events per turn: the last turns of a conversation, what a reconnect needs.
  /** Stream entries kept per session for resuming (MAXLEN ~). */
  eventLogMaxEvents: int({ env: 'EVENT_LOG_MAX_EVENTS', default: 5000, min: 100, doc: 'stream entries kept per session for resuming (MAXLEN ~)' }),
  /** How often a follower looks at the log for a turn relayed by another process. */
  eventLogPollMs: int({
    env: 'EVENT_LOG_POLL_MS',
    default: 100,
    min: 10,
    max: 5000,
    doc: 'how often a follower looks at the log for a turn relayed by another process',
  }),
  /** Unacknowledged log appends before the relay pauses the engine. */
  eventLogMaxPending: int({ env: 'EVENT_LOG_MAX_PENDING', default: 1000, min: 10, doc: 'unacknowledged log appends before the relay pauses the engine' }),
  // The live client never waits for the log; a resuming one finds it this far behind at most.
  /** A turn's events go to the log in one command per this many ms (0: per burst). */
  eventLogFlushMs: int({
    env: 'EVENT_LOG_FLUSH_MS',
    default: 50,
    min: 0,
    max: 1000,
    doc: "a turn's events go to the log in one command per this many ms (0: per burst)",
  }),
  // A gateway killed mid-turn blocks its session's next turn this long at most.
  /** Lease of the running-turn marker, renewed while the turn is relayed. */
  turnLeaseMs: int({ env: 'TURN_LEASE_MS', default: 3000, min: 300, max: 60000, doc: 'lease of the running-turn marker, renewed while the turn is relayed' }),
  rateTokenPerMinute: int({ env: 'RATE_TOKEN_PER_MINUTE', default: 30, min: 1, doc: 'token requests per address per minute' }),
  rateTurnsPerMinute: int({ env: 'RATE_TURNS_PER_MINUTE', default: 20, min: 1, doc: 'turns per visitor per minute' }),
  rateSessionsPerHour: int({ env: 'RATE_SESSIONS_PER_HOUR', default: 30, min: 1, doc: 'sessions per visitor per hour' }),
  rateReadsPerMinute: int({ env: 'RATE_READS_PER_MINUTE', default: 120, min: 1, doc: 'session reads and stream resumes per visitor per minute' }),
  /** Turns per site (all its visitors) per minute. */
  rateSiteTurnsPerMinute: int({ env: 'RATE_SITE_TURNS_PER_MINUTE', default: 600, min: 1, doc: 'turns per site (all its visitors) per minute' }),
  /** Turns per tenant (all its sites) per minute. */
  rateTenantTurnsPerMinute: int({ env: 'RATE_TENANT_TURNS_PER_MINUTE', default: 3000, min: 1, doc: 'turns per tenant (all its sites) per minute' }),
  /** Turns relayed at once by this process; more answer 503 `overloaded` with Retry-After. */
  maxConcurrentTurns: int({
    env: 'MAX_CONCURRENT_TURNS',
    default: 500,
    min: 1,
    doc: 'turns relayed at once by this process; more answer 503 `overloaded` with `Retry-After`',
  }),
  staticMaxAgeS: int({ env: 'STATIC_MAX_AGE_S', default: 300, min: 0, doc: '`Cache-Control: max-age` of the widget bundle and pages' }),
  widgetFile: str({
    env: 'WIDGET_FILE',
    default: repoPath('widget/dist/widget.js'),
    defaultDoc: '`widget/dist/widget.js`',
    doc: 'the widget bundle served at /widget.js',
  }),
  demoFile: str({ env: 'DEMO_FILE', default: repoPath('widget/demo/index.html'), defaultDoc: '`widget/demo/index.html`', doc: 'the demo page' }),
  /** The console's page and bundle (served at /console and /console.js). */
  consoleHtml: str({
    env: 'CONSOLE_HTML',
    default: repoPath('console/index.html'),
    defaultDoc: '`console/index.html`',
    doc: "the console's page (served at /console)",
  }),
  consoleFile: str({
    env: 'CONSOLE_FILE',
    default: repoPath('console/dist/console.js'),
    defaultDoc: '`console/dist/console.js`',
    doc: "the console's bundle (served at /console.js)",
  }),
  // Standard Webhooks' schedule, stretched with 10 h waits to about three days in all.
  /** Waits after failed attempts 1, 2, ... (jittered ±20%); the last one ends the retries. */
  webhookRetryScheduleMs: intList({
    env: 'WEBHOOK_RETRY_SCHEDULE_MS',
    default: [5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 36e6, 36e6, 36e6, 36e6, 36e6],
    doc: 'waits after failed attempts 1, 2, … (jittered ±20%); the last one ends the retries',
  }),
  webhookTimeoutMs: int({ env: 'WEBHOOK_TIMEOUT_MS', default: 15000, min: 100, max: 120000, doc: 'one webhook attempt' }),
  /** How often each gateway looks for due deliveries and idle sessions. */
  webhookPollMs: int({ env: 'WEBHOOK_POLL_MS', default: 1000, min: 10, max: 600000, doc: 'how often each gateway looks for due deliveries and idle sessions' }),
  webhookBatch: int({ env: 'WEBHOOK_BATCH', default: 10, min: 1, max: 1000, doc: 'deliveries claimed per poll' }),
  /** How long a delivery record is kept (its id stays idempotent that long). */
  webhookRetainS: int({ env: 'WEBHOOK_RETAIN_S', default: 7 * 86400, min: 60, doc: 'how long a delivery record is kept (its id stays idempotent that long)' }),
  /** Bearer token for GET /metrics; unset: open, except in production where /metrics is off. */
  metricsToken: str({
    env: 'METRICS_TOKEN',
    default: undefined,
    secret: true,
    doc: 'bearer token for GET /metrics; unset: open, except in production where /metrics is off',
  }),
  /** Log message text and collected values (off: only ids, sizes and field names). */
  logContent: bool({ env: 'LOG_CONTENT', default: false, doc: 'log message text and collected values (off: only ids, sizes and field names)' }),
  /** The platform operator's key for /admin/v1; unset: the admin API answers 404. */
  adminKey: str({
    env: 'ADMIN_KEY',
    default: undefined,
    secret: true,
    boundsDoc: '≥ 32 characters',
    doc: "the platform operator's key for /admin/v1; unset: the admin API answers 404",
  }),
  // The promise is "every replica within 1 s": pub/sub does it in milliseconds; this is the floor when a message is lost.
  /** How often each gateway checks the registry's version (the fallback for a missed change message). */
  registryPollMs: int({
    env: 'REGISTRY_POLL_MS',
    default: 1000,
    min: 50,
    max: 60000,
    doc: "how often each gateway checks the registry's version (the fallback for a missed change message)",
  }),
  /** Audit entries kept per tenant. */
  auditMaxEntries: int({ env: 'AUDIT_MAX_ENTRIES', default: 10000, min: 10, doc: 'audit entries kept per tenant' }),
  /** How long a lead (submission) is kept. */
  submissionsRetainDays: int({ env: 'SUBMISSIONS_RETAIN_DAYS', default: 90, min: 1, max: 3650, doc: 'how long a lead (submission) is kept' }),
  /** A completed lead's later changes are sent as one `session.updated` this long after the last. */
  webhookUpdateDebounceMs: int({
    env: 'WEBHOOK_UPDATE_DEBOUNCE_MS',
    default: 5000,
    min: 0,
    max: 3_600_000,
    doc: "a completed lead's later changes are sent as one `session.updated` this long after the last",
  }),
  /** Bytes of the widget's `context` attribute kept per session (JSON). */
  maxContextBytes: int({
    env: 'MAX_CONTEXT_BYTES',
    default: 1024,
    min: 0,
    max: 8192,
    doc: "bytes of the widget's `context` attribute kept per session (JSON)",
  }),
  /** How long a console preview's draft template stays usable. */
  previewTtlS: int({ env: 'PREVIEW_TTL_S', default: 3600, min: 60, max: 86400, doc: "how long a console preview's draft template stays usable" }),
  // The grace after expiry is one token lifetime at most: a stolen, expired token is worth no more than a live one.
  /** How long after expiry a platform token still proves who the visitor was, to keep `sub` on refresh (at most TOKEN_TTL_S). */
  tokenRefreshGraceS: int({
    env: 'TOKEN_REFRESH_GRACE_S',
    default: ({ values }) => values.tokenTtlS as number,
    min: 0,
    max: ({ values }) => values.tokenTtlS as number,
    defaultDoc: 'TOKEN_TTL_S',
    boundsDoc: '0 – TOKEN_TTL_S',
    doc: 'how long after expiry a platform token still proves who the visitor was, to keep `sub` on refresh',
  }),
  /** A chain of refreshed platform tokens ends this long after its first token was issued (`oiat`). */
  tokenMaxLifetimeS: int({
    env: 'TOKEN_MAX_LIFETIME_S',
    default: ({ values }) => Math.max(86400, values.tokenTtlS as number),
    min: ({ values }) => values.tokenTtlS as number,
    defaultDoc: 'max(86_400, TOKEN_TTL_S)',
    boundsDoc: '≥ TOKEN_TTL_S',
    doc: 'a chain of refreshed platform tokens ends this long after its first token was issued (`oiat`)',
  }),
  /** A session idle this long and not complete is `abandoned` (must be below SESSION_TTL_S). */
  sessionIdleS: int({
    env: 'SESSION_IDLE_S',
    default: ({ values }) => Math.min(3600, Math.floor((values.sessionTtlS as number) / 2)),
    min: 1,
    defaultDoc: 'min(3600, SESSION_TTL_S / 2)',
    boundsDoc: '≥ 1, < SESSION_TTL_S',
    doc: 'a session idle this long and not complete is `abandoned`',
  }),
};

type Read = SettingsOf<typeof GATEWAY_SETTINGS>;

export interface Config extends Omit<Read, 'redisUrls' | 'redisClusterFlag' | 'jwtSecretRaw'> {
  /** The first of `engineUrls` (one engine: the only one). */
  engineUrl: string;
  /** One URL, or comma-separated seed nodes of a Redis Cluster. */
  redisUrl: string | undefined;
  /** REDIS_CLUSTER=true or several seed nodes in REDIS_URL: node-redis's cluster client. */
  redisCluster: boolean;
  jwtSecret: string;
  /** True when JWT_SECRET was generated for this process (dev only). */
  jwtSecretGenerated: boolean;
  jwtAudience: 'chat';
}

export interface LoadedConfig {
  config: Config;
  /** Things an operator should see at start-up (generated secrets, in-memory store). */
  warnings: string[];
}

export function loadConfig(env: Env = process.env): LoadedConfig {
  const warnings: string[] = [];
  // Anything but production or test counts as development (as before: NODE_ENV is not refused).
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const prod = nodeEnv === 'production';
  const { redisUrls, redisClusterFlag, jwtSecretRaw, ...read } = readSettings(GATEWAY_SETTINGS, { ...env, NODE_ENV: nodeEnv });

  let jwtSecret = jwtSecretRaw;
  let jwtSecretGenerated = false;
  if (jwtSecret === '') {
    if (prod) throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production');
    jwtSecret = randomBytes(32).toString('base64url');
    jwtSecretGenerated = true;
    warnings.push('JWT_SECRET is unset: generated a random one for this process (tokens die with it). Set it outside dev.');
  } else if (jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET', 'must be at least 32 characters');
  }
  if (read.engineKey === '') {
    if (prod) throw new ConfigError('ENGINE_KEY', 'is required when NODE_ENV=production');
    warnings.push('ENGINE_KEY is unset: the engine will refuse the gateway. `npm start` sets one for both.');
  }
  const redisUrl = redisUrls?.join(',');
  const redisCluster = redisClusterFlag || (redisUrls?.length ?? 0) > 1;
  if (redisCluster && !redisUrl) throw new ConfigError('REDIS_CLUSTER', 'needs REDIS_URL (one or more seed nodes)');
  if (!redisUrl) {
    if (prod) throw new ConfigError('REDIS_URL', 'is required when NODE_ENV=production');
    warnings.push('REDIS_URL is unset: sessions and rate limits live in this process memory only (one replica, lost on restart).');
  }
  const config: Config = { ...read, engineUrl: read.engineUrls[0]!, redisUrl, redisCluster, jwtSecret, jwtSecretGenerated, jwtAudience: 'chat' };
  if (prod) {
    if (config.tenantsFile && isExampleTenantsFile(config.tenantsFile))
      throw new ConfigError('TENANTS_FILE', 'is the example tenants file: refused when NODE_ENV=production (name your own, or none and use the admin API)');
    const known = repositorySecrets();
    for (const [key, v] of [
      ['JWT_SECRET', config.jwtSecret],
      ['ENGINE_KEY', config.engineKey],
      ['ADMIN_KEY', config.adminKey],
    ] as const)
      if (v && known.has(v)) throw new ConfigError(key, 'is a secret from the repository: refused when NODE_ENV=production');
  }
  if (config.adminKey !== undefined && config.adminKey.length < 32) throw new ConfigError('ADMIN_KEY', 'must be at least 32 characters');
  if (config.sessionIdleS >= config.sessionTtlS) throw new ConfigError('SESSION_IDLE_S', 'must be shorter than SESSION_TTL_S');
  if (config.heartbeatMs >= config.engineBodyTimeoutMs) throw new ConfigError('ENGINE_BODY_TIMEOUT_MS', 'must be longer than HEARTBEAT_MS');
  return { config, warnings };
}
