/**
 * A third-party fuzzer on the real API: schemathesis (PyPI, pinned in .ci/run) generates requests
 * from the gateway's own OpenAPI documents, public (`/v1/openapi.json`, with a visitor token and an
 * allowed Origin) and admin (`/admin/v1/openapi.json`, with ADMIN_KEY), against a live stack (Redis,
 * engine, gateway as real processes). Checks: no 5xx, every response's status documented and its
 * body matching the documented schema. Bounded (a few examples per operation, fixed seed) to stay
 * well under two minutes. Skipped, saying so, only when the CLI is not installed (CI installs it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { startRedis, startService } from '../../../scripts/testkit/index.js';
import { ACME_ORIGIN } from '../helpers.js';
import { ENGINE_KEY, fetchToken, postChat, startGateway, tenantsFile } from '../processes.js';

const CLI = process.env.SCHEMATHESIS ?? (spawnSync('/opt/st/bin/schemathesis', ['--version']).status === 0 ? '/opt/st/bin/schemathesis' : 'schemathesis');
const present = spawnSync(CLI, ['--version'], { encoding: 'utf8' });
if (present.status !== 0) {
  t.plan(0, `skipped: schemathesis CLI not found (${CLI}); pip install schemathesis==4.32.5 (.ci/run installs it in /opt/st)`);
} else {
  t.comment(present.stdout.trim());
  const ADMIN_KEY = 'fuzz-admin-key-0123456789abcdef0123456789';
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const engine = await startService('engine', { env: { REDIS_URL: redis.url, ENGINE_KEY } });
  t.teardown(() => engine.kill());
  // Generous limits: the fuzzer's requests must reach the handlers, not the rate limiter.
  const TENANTS_FILE = tenantsFile((d) => (d.tenants[0].limits = { turnsPerMinute: 100000, sessionsPerHour: 100000 }));
  const gw = await startGateway({
    REDIS_URL: redis.url,
    ENGINE_URL: engine.url,
    ADMIN_KEY,
    TENANTS_FILE,
    RATE_TOKEN_PER_MINUTE: '100000',
    RATE_READS_PER_MINUTE: '100000',
  });
  t.teardown(() => gw.kill());

  const work = mkdtempSync(join(tmpdir(), 'st-run-'));
  const run = (args: string[]) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      // In a temp directory: its caches (.hypothesis/, .schemathesis/) stay out of the repository.
      const child = spawn(CLI, args, { cwd: work, env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' } });
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      child.stderr.on('data', (c) => (out += c));
      // Carriage returns (progress lines) would reach TAP as lines of their own: keep the text plain.
      child.on('close', (code) => resolve({ code, out: out.replace(/\r\n?/g, '\n') }));
    });
  /**
   * Excluded, with the reason: schemathesis 4.32 validates each SSE event of a text/event-stream
   * answer against the media type's schema (OpenAPI 3.2 reads it per event, as `itemSchema`); our
   * documents are OpenAPI 3.1, where that schema is the whole body, a string. The events themselves
   * are checked by shared's contract parser in every stream test, and by the fast-check fuzzer.
   */
  const SSE_PATHS = '^/v1/(chat|sessions/\\{id\\}/stream)$';
  /** Real identifiers for path parameters, so that cases reach the handlers rather than 404s. */
  const config = (params: Record<string, string>) => {
    const file = join(mkdtempSync(join(tmpdir(), 'st-')), 'schemathesis.toml');
    writeFileSync(
      file,
      `[parameters]\n${Object.entries(params)
        .map(([k, v]) => `"${k}" = "${v}"`)
        .join('\n')}`,
    );
    return file;
  };
  /** The summary (all of it on failure), each line quoted so that nothing in it reads as TAP. */
  const report = (t: { comment: (s: string) => void }, r: { code: number | null; out: string }) => {
    const lines = r.out.split('\n').filter((l) => l.trim());
    t.comment((r.code === 0 ? lines.slice(-25) : lines).map((l) => `| ${l}`).join('\n'));
  };
  const common = (maxExamples: number) => [
    '--url',
    gw.url,
    '--checks',
    'not_a_server_error,status_code_conformance,response_schema_conformance',
    '--max-examples',
    String(maxExamples),
    '--seed',
    '20261128',
    '--request-timeout',
    '10',
    '--phases',
    'examples,fuzzing',
    '--suppress-health-check',
    'all',
    '--no-color',
  ];

  t.test('public API (visitor token, allowed origin)', async (t) => {
    const token = await fetchToken(gw.url);
    const first = await postChat(gw.url, token, { message: { id: 'st-1', text: "Hi, I'm Ann Lee" } });
    const sessionId = /"sessionId":"([^"]+)"/.exec(await first.text())?.[1] ?? '';
    t.ok(sessionId, 'a session to fuzz against');
    const auth = ['-H', `Authorization: Bearer ${token}`, '-H', `Origin: ${ACME_ORIGIN}`];
    const cfg = config({ 'path.id': sessionId });
    const r = await run(['--config-file', cfg, 'run', `${gw.url}/v1/openapi.json`, ...common(15), '--exclude-path-regex', SSE_PATHS, ...auth]);
    report(t, r);
    t.equal(r.code, 0, 'schemathesis found no failure (JSON routes: all three checks)');
    // The two streams: no 5xx and documented statuses; their events' schema check is excluded (see SSE_PATHS).
    const sse = await run([
      '--config-file',
      cfg,
      'run',
      `${gw.url}/v1/openapi.json`,
      ...common(15),
      '--include-path-regex',
      SSE_PATHS,
      '--exclude-checks',
      'response_schema_conformance',
      ...auth,
    ]);
    report(t, sse);
    t.equal(sse.code, 0, 'schemathesis found no failure (streams: not_a_server_error, status_code_conformance)');
  });

  t.test('admin API (ADMIN_KEY)', async (t) => {
    const ids = { 'path.tid': 'acme', 'path.siteId': 'acme-web', 'path.templateId': 'lead-intake' };
    const r = await run(['--config-file', config(ids), 'run', `${gw.url}/admin/v1/openapi.json`, ...common(8), '-H', `Authorization: Bearer ${ADMIN_KEY}`]);
    report(t, r);
    t.equal(r.code, 0, 'schemathesis found no failure');
  });
}
