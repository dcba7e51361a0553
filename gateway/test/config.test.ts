import t from 'tap';
import { loadConfig } from '../src/config.js';

t.test("defaults: every limit named, with the issue's values", async (t) => {
  const { config, warnings } = loadConfig({ NODE_ENV: 'development' });
  t.equal(config.port, 3000);
  t.equal(config.host, '0.0.0.0');
  t.equal(config.engineUrl, 'http://127.0.0.1:4001');
  t.equal(config.tokenTtlS, 600);
  t.equal(config.bodyLimitBytes, 16384);
  t.equal(config.maxMessageChars, 4000);
  t.equal(config.heartbeatMs, 15000);
  t.equal(config.sessionTtlS, 86400);
  t.equal(config.jwtClockToleranceS, 5);
  t.ok(config.requestTimeoutMs > 0);
  t.equal(config.trustProxy, false);
  t.equal(config.eventLogFlushMs, 50, 'resume log batched every 50 ms');
  t.equal(config.eventLogMaxPending, 1000);
  t.ok(config.jwtSecretGenerated, 'dev generates a JWT secret');
  t.match(warnings.join('\n'), /JWT_SECRET/);
  t.match(warnings.join('\n'), /REDIS_URL/);
});

t.test('production refuses to start without its secrets', async (t) => {
  t.throws(() => loadConfig({ NODE_ENV: 'production', ENGINE_KEY: 'k', REDIS_URL: 'redis://x' }), /JWT_SECRET/);
  t.throws(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), REDIS_URL: 'redis://x' }), /ENGINE_KEY/);
});

t.test('bad values name their key', async (t) => {
  t.throws(() => loadConfig({ PORT: 'eighty' }), /config PORT: must be an integer/);
  t.throws(() => loadConfig({ BODY_LIMIT_BYTES: '10' }), /config BODY_LIMIT_BYTES: must be between/);
  t.throws(() => loadConfig({ JWT_SECRET: 'short' }), /config JWT_SECRET: must be at least 32/);
  t.throws(() => loadConfig({ ENGINE_URL: 'ftp://x' }), /config ENGINE_URL/);
  t.throws(() => loadConfig({ TRUST_PROXY: 'maybe!' }), /config TRUST_PROXY/);
  t.equal(loadConfig({ TRUST_PROXY: '1' }).config.trustProxy, 1);
  t.throws(() => loadConfig({ EVENT_LOG_FLUSH_MS: '5000' }), /config EVENT_LOG_FLUSH_MS: must be between/);
  t.equal(loadConfig({ EVENT_LOG_FLUSH_MS: '0' }).config.eventLogFlushMs, 0, '0: one append per burst');
});

t.test("the back office's limits: defaults, bounds, and a short ADMIN_KEY refused", async (t) => {
  const c = loadConfig({}).config;
  t.match(c, {
    adminKey: undefined,
    registryPollMs: 1000,
    auditMaxEntries: 10000,
    submissionsRetainDays: 90,
    webhookUpdateDebounceMs: 5000,
    maxContextBytes: 1024,
    previewTtlS: 3600,
  });
  t.throws(() => loadConfig({ ADMIN_KEY: 'short' }), /config ADMIN_KEY: must be at least 32 characters/);
  t.equal(loadConfig({ ADMIN_KEY: 'a'.repeat(32) }).config.adminKey, 'a'.repeat(32));
  for (const [key, bad] of <Array<[string, string]>>[
    ['REGISTRY_POLL_MS', '10'],
    ['REGISTRY_POLL_MS', '60001'],
    ['SUBMISSIONS_RETAIN_DAYS', '0'],
    ['MAX_CONTEXT_BYTES', '9000'],
    ['PREVIEW_TTL_S', '59'],
    ['WEBHOOK_UPDATE_DEBOUNCE_MS', '-1'],
    ['AUDIT_MAX_ENTRIES', '9'],
  ])
    t.throws(() => loadConfig({ [key]: bad }), new RegExp(`config ${key}: must be`), `${key}=${bad}`);
});

t.test('production refuses development material in the environment', async (t) => {
  const { EXAMPLE_TENANTS } = await import('./helpers.js');
  const prod = (env: Record<string, string>) =>
    loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40), ENGINE_KEY: 'e'.repeat(40), REDIS_URL: 'redis://x', ...env });
  t.throws(() => prod({ TRUST_PROXY: 'true' }), /config TRUST_PROXY: must be a hop count or a list/);
  t.throws(() => prod({ TRUST_PROXY: 'on' }), /config TRUST_PROXY/);
  t.equal(prod({ TRUST_PROXY: '1' }).config.trustProxy, 1, 'a hop count is fine');
  t.equal(prod({ TRUST_PROXY: '10.0.0.0/8' }).config.trustProxy, '10.0.0.0/8', 'a CIDR list is fine');
  t.equal(loadConfig({ TRUST_PROXY: 'true' }).config.trustProxy, true, 'dev may still trust any proxy');
  t.throws(() => prod({ TENANTS_FILE: EXAMPLE_TENANTS }), /config TENANTS_FILE: is the example tenants file/);
  t.throws(
    () => prod({ TENANTS_FILE: `${EXAMPLE_TENANTS.replace(/tenants\.example\.json$/, '')}../gateway/tenants.example.json` }),
    /config TENANTS_FILE/,
    'another spelling of the path',
  );
  t.equal(prod({}).config.tenantsFile, '', 'production seeds from no file unless told');
  t.throws(() => prod({ JWT_SECRET: 'acme-identity-secret-dev-only-0123456789abcdef' }), /config JWT_SECRET: is a secret from the repository/);
  t.throws(() => prod({ ADMIN_KEY: 'globex-identity-secret-dev-only-0123456789abcd' }), /config ADMIN_KEY: is a secret from the repository/);
});
