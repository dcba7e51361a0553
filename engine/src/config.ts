/**
 * Environment → typed config, checked once at start-up. Every setting is one row of `ENGINE_SETTINGS`
 * (variable, type, default, bounds, meaning); docs/configuration.md is generated from it
 * (`npm run docs:config`). Checks that join several values follow the table.
 */
import { ConfigError, bool, int, oneOf, readSettings, str, urls, type Env, type SettingsOf } from '@chat/shared/server';

export { ConfigError };

export const ENGINE_SETTINGS = {
  port: int({ env: 'PORT', default: 4001, min: 0, max: 65535, doc: 'listen port' }),
  host: str({ env: 'HOST', default: '127.0.0.1', doc: 'listen address; keep it internal' }),
  engineKey: str({
    env: 'ENGINE_KEY',
    default: '',
    secret: true,
    defaultDoc: '— (required)',
    boundsDoc: '≥ 16 characters',
    doc: 'service credential the gateway sends as `Authorization: Bearer …`',
  }),
  /** Unset: in-memory state (for trying things only). */
  redisUrls: urls({
    env: 'REDIS_URL',
    default: undefined,
    defaultDoc: 'unset → in-memory (warned)',
    doc: '`redis://host:port`; several comma-separated URLs → cluster client',
  }),
  redisClusterFlag: bool({ env: 'REDIS_CLUSTER', default: false, doc: "use node-redis's cluster client with `REDIS_URL` as seed" }),
  checkpointer: oneOf({
    env: 'CHECKPOINTER',
    values: ['redis', 'memory', 'redis-stack'] as const,
    default: ({ values }) => (values.redisUrls ? 'redis' : 'memory'),
    defaultDoc: '`redis` with REDIS_URL, else `memory`',
    doc: "`redis` (ours, plain Redis), `memory`, `redis-stack` (LangGraph's official saver, conformance-tested; needs Redis Stack: RedisJSON + RediSearch)",
  }),
  model: str({
    env: 'MODEL',
    default: 'embedded',
    boundsDoc: '`embedded`, `openai:<model>`, `anthropic:<model>`',
    doc: 'the model behind replies and extraction',
  }),
  openaiBaseUrl: str({ env: 'OPENAI_BASE_URL', default: undefined, doc: 'any OpenAI-compatible endpoint' }),
  openaiApiKey: str({ env: 'OPENAI_API_KEY', default: undefined, secret: true, doc: 'key for `openai:<model>`' }),
  anthropicApiKey: str({ env: 'ANTHROPIC_API_KEY', default: undefined, secret: true, doc: 'key for `anthropic:<model>`' }),
  anthropicBaseUrl: str({
    env: 'ANTHROPIC_BASE_URL',
    default: undefined,
    doc: 'another Messages-API endpoint (a proxy, a gateway, a local test server); unset: api.anthropic.com',
  }),
  embeddedTokenDelayMs: int({
    env: 'EMBEDDED_TOKEN_DELAY_MS',
    default: 0,
    min: 0,
    max: 10_000,
    doc: "the embedded model's pause between tokens (makes streaming visible)",
  }),
  sessionTtlS: int({ env: 'SESSION_TTL_S', default: 86_400, min: 1, doc: "TTL of a session's state, refreshed on every turn" }),
  // Two exchanges: the collected data and the plan in the system prompt carry the rest; with six
  // messages the prompt at message 200 was still 1.26x the one at message 2 (docs/architecture.md).
  contextMessages: int({
    env: 'CONTEXT_MESSAGES',
    default: 4,
    min: 1,
    max: 1000,
    doc: 'messages of the transcript the model sees (two exchanges; the collected data and the plan carry the rest)',
  }),
  maxMessageChars: int({ env: 'MAX_MESSAGE_CHARS', default: 4000, min: 1, max: 1_000_000, doc: 'longer messages get 413 `message_too_long`' }),
  // Templates ride on the first turn, so the engine's body limit is larger than the gateway's.
  bodyLimitBytes: int({ env: 'BODY_LIMIT_BYTES', default: 262_144, min: 1024, doc: 'request body limit (templates ride on the first turn)' }),
  heartbeatMs: int({ env: 'HEARTBEAT_MS', default: 15_000, min: 100, doc: '`: ping` comment interval on idle streams' }),
  turnTimeoutMs: int({ env: 'TURN_TIMEOUT_MS', default: 120_000, min: 1000, doc: 'a turn is aborted after this' }),
  // A reply is a few sentences; extraction's JSON for 50 fields fits too. A runaway model stops here.
  maxReplyTokens: int({ env: 'MAX_REPLY_TOKENS', default: 1024, min: 16, max: 32768, doc: "ceiling on a provider call's output (reply and extraction)" }),
  /** Turns this process runs at once; more are answered 503 `overloaded` with Retry-After. */
  maxConcurrentTurns: int({
    env: 'MAX_CONCURRENT_TURNS',
    default: 200,
    min: 1,
    doc: 'turns one engine process runs at once; more are 503 `overloaded` with `Retry-After: 1`',
  }),
  // Short lease, renewed every third of it while a turn runs: a crashed engine blocks a session this long at most.
  lockTtlMs: int({
    env: 'LOCK_TTL_MS',
    default: 3_000,
    min: 300,
    max: 60_000,
    doc: "lease of the per-session turn lock, renewed every third while a turn runs: a crashed engine blocks its session this long at most; a refused turn's 409 carries `Retry-After` (the seconds left)",
  }),
  keepCheckpoints: int({ env: 'KEEP_CHECKPOINTS', default: 3, min: 1, max: 100, doc: 'checkpoints kept per session' }),
  maxFieldAttempts: int({ env: 'MAX_FIELD_ATTEMPTS', default: 3, min: 1, max: 100, doc: 'invalid answers before a field is set aside' }),
  recentReplies: int({ env: 'RECENT_REPLIES', default: 5, min: 1, max: 100, doc: "replies a retried message id replays (read from the transcript's tail)" }),
  transcriptMax: int({
    env: 'TRANSCRIPT_MAX',
    default: 2000,
    min: 10,
    doc: 'transcript entries kept per session; at least max(`CONTEXT_MESSAGES`, 2 × `RECENT_REPLIES`), else refused',
  }),
  /** On SIGTERM, how long running turns may take to finish before they end with shutting_down. */
  shutdownGraceMs: int({
    env: 'SHUTDOWN_GRACE_MS',
    default: 10_000,
    min: 0,
    doc: 'on SIGTERM: answer 503 to new requests, let running turns finish this long, then exit',
  }),
  logLevel: str({ env: 'LOG_LEVEL', default: 'info', doc: 'pino level' }),
  logContent: bool({ env: 'LOG_CONTENT', default: false, doc: 'include message text and collected values in logs' }),
};

type Read = SettingsOf<typeof ENGINE_SETTINGS>;

export interface EngineConfig extends Omit<Read, 'redisUrls' | 'redisClusterFlag'> {
  /** Unset: in-memory state (for trying things only). */
  redisUrl: string | undefined;
  /** Comma-separated seed nodes or REDIS_CLUSTER=true: node-redis cluster client. */
  redisCluster: boolean;
}

export function loadConfig(env: Env = process.env): EngineConfig {
  const { redisUrls, redisClusterFlag, ...c } = readSettings(ENGINE_SETTINGS, env);
  if (c.engineKey.length < 16) throw new ConfigError('ENGINE_KEY', 'is required (at least 16 characters): the service credential the gateway sends');
  if (!/^(embedded|openai:.+|anthropic:.+)$/.test(c.model))
    throw new ConfigError('MODEL', `must be embedded, openai:<model> or anthropic:<model>, got "${c.model}"`);
  const redisUrl = redisUrls?.join(',');
  if (c.checkpointer !== 'memory' && !redisUrl) throw new ConfigError('CHECKPOINTER', `${c.checkpointer} needs REDIS_URL`);
  // Each turn reads the model's window and the replay memory from the transcript's tail.
  const tail = Math.max(c.contextMessages, 2 * c.recentReplies);
  if (c.transcriptMax < tail)
    throw new ConfigError(
      'TRANSCRIPT_MAX',
      `must be at least ${tail} (CONTEXT_MESSAGES=${c.contextMessages}, 2 x RECENT_REPLIES=${2 * c.recentReplies}): turns read their window and replay memory from the transcript, got "${c.transcriptMax}"`,
    );
  return { ...c, redisUrl, redisCluster: redisClusterFlag || (redisUrls?.length ?? 0) > 1 };
}
