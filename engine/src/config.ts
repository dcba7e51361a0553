/**
 * Environment → typed config, checked once at start-up. Every limit is named here with its default.
 */
export interface EngineConfig {
  port: number;
  host: string;
  /** Unset: in-memory state (for trying things only). */
  redisUrl: string | undefined;
  /** Comma-separated seed nodes or REDIS_CLUSTER=true: node-redis cluster client. */
  redisCluster: boolean;
  engineKey: string;
  model: string;
  openaiBaseUrl: string | undefined;
  openaiApiKey: string | undefined;
  anthropicApiKey: string | undefined;
  /** Another Messages-API endpoint (a proxy, a gateway, a local test server); unset → api.anthropic.com. */
  anthropicBaseUrl: string | undefined;
  embeddedTokenDelayMs: number;
  sessionTtlS: number;
  contextMessages: number;
  maxMessageChars: number;
  heartbeatMs: number;
  bodyLimitBytes: number;
  turnTimeoutMs: number;
  /** Ceiling on a provider's reply (and extraction) output, in tokens. */
  maxReplyTokens: number;
  /** Turns this process runs at once; more are answered 503 `overloaded` with Retry-After. */
  maxConcurrentTurns: number;
  lockTtlMs: number;
  keepCheckpoints: number;
  checkpointer: 'redis' | 'memory' | 'redis-stack';
  maxFieldAttempts: number;
  recentReplies: number;
  transcriptMax: number;
  logLevel: string;
  logContent: boolean;
  /** On SIGTERM, how long running turns may take to finish before they end with shutting_down. */
  shutdownGraceMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function int(env: Env, key: string, def: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${key} must be an integer between ${min} and ${max}, got "${raw}"`);
  return n;
}

function bool(env: Env, key: string, def: boolean): boolean {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${key} must be true or false, got "${raw}"`);
}

export function loadConfig(env: Env = process.env): EngineConfig {
  const engineKey = env.ENGINE_KEY ?? '';
  if (engineKey.length < 16) throw new ConfigError('ENGINE_KEY is required (at least 16 characters): the service credential the gateway sends');
  const model = env.MODEL || 'embedded';
  if (!/^(embedded|openai:.+|anthropic:.+)$/.test(model)) throw new ConfigError(`MODEL must be embedded, openai:<model> or anthropic:<model>, got "${model}"`);
  const redisUrl = env.REDIS_URL || undefined;
  const checkpointer = (env.CHECKPOINTER || (redisUrl ? 'redis' : 'memory')) as EngineConfig['checkpointer'];
  if (!['redis', 'memory', 'redis-stack'].includes(checkpointer)) throw new ConfigError(`CHECKPOINTER must be redis, memory or redis-stack, got "${checkpointer}"`);
  if (checkpointer !== 'memory' && !redisUrl) throw new ConfigError(`CHECKPOINTER=${checkpointer} needs REDIS_URL`);
  // Two exchanges: the collected data and the plan in the system prompt carry the rest; with six
  // messages the prompt at message 200 was still 1.26x the one at message 2 (docs/architecture.md).
  const contextMessages = int(env, 'CONTEXT_MESSAGES', 4, 1, 1000);
  const recentReplies = int(env, 'RECENT_REPLIES', 5, 1, 100);
  const transcriptMax = int(env, 'TRANSCRIPT_MAX', 2000, 10);
  // Each turn reads the model's window and the replay memory from the transcript's tail.
  const tail = Math.max(contextMessages, 2 * recentReplies);
  if (transcriptMax < tail)
    throw new ConfigError(`TRANSCRIPT_MAX must be at least ${tail} (CONTEXT_MESSAGES=${contextMessages}, 2 x RECENT_REPLIES=${2 * recentReplies}): turns read their window and replay memory from the transcript, got "${transcriptMax}"`);
  return {
    port: int(env, 'PORT', 4001, 0, 65535),
    host: env.HOST || '127.0.0.1',
    redisUrl,
    redisCluster: bool(env, 'REDIS_CLUSTER', false) || (redisUrl?.includes(',') ?? false),
    engineKey,
    model,
    openaiBaseUrl: env.OPENAI_BASE_URL || undefined,
    openaiApiKey: env.OPENAI_API_KEY || undefined,
    anthropicApiKey: env.ANTHROPIC_API_KEY || undefined,
    anthropicBaseUrl: env.ANTHROPIC_BASE_URL || undefined,
    embeddedTokenDelayMs: int(env, 'EMBEDDED_TOKEN_DELAY_MS', 0, 0, 10_000),
    sessionTtlS: int(env, 'SESSION_TTL_S', 86_400, 1),
    contextMessages,
    maxMessageChars: int(env, 'MAX_MESSAGE_CHARS', 4000, 1, 1_000_000),
    heartbeatMs: int(env, 'HEARTBEAT_MS', 15_000, 100),
    // Templates ride on the first turn, so the engine's body limit is larger than the gateway's.
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 262_144, 1024),
    turnTimeoutMs: int(env, 'TURN_TIMEOUT_MS', 120_000, 1000),
    // A reply is a few sentences; extraction's JSON for 50 fields fits too. A runaway model stops here.
    maxReplyTokens: int(env, 'MAX_REPLY_TOKENS', 1024, 16, 32768),
    maxConcurrentTurns: int(env, 'MAX_CONCURRENT_TURNS', 200, 1),
    // Short lease, renewed every third of it while a turn runs: a crashed engine blocks a session this long at most.
    lockTtlMs: int(env, 'LOCK_TTL_MS', 3_000, 300, 60_000),
    keepCheckpoints: int(env, 'KEEP_CHECKPOINTS', 3, 1, 100),
    checkpointer,
    maxFieldAttempts: int(env, 'MAX_FIELD_ATTEMPTS', 3, 1, 100),
    recentReplies,
    transcriptMax,
    logLevel: env.LOG_LEVEL || 'info',
    logContent: bool(env, 'LOG_CONTENT', false),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10_000, 0),
  };
}
