// Langfuse tracing is optional: off without keys; with keys but without the packages, one clear
// warning naming the install command, and the engine runs untraced.
import t from 'tap';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { RunnableLambda } from '@langchain/core/runnables';
import { LANGFUSE_PACKAGES, shutdownTracing, tracingCallbacks } from '../src/tracing.js';

const installed = LANGFUSE_PACKAGES.every((p) => {
  try {
    createRequire(import.meta.url).resolve(p);
    return true;
  } catch {
    return false;
  }
});

function recorder() {
  const lines: { level: string; o: object; m: string }[] = [];
  return {
    lines,
    info: (o: object, m: string) => lines.push({ level: 'info', o, m }),
    warn: (o: object, m: string) => lines.push({ level: 'warn', o, m }),
  };
}

t.test('no LANGFUSE keys: no callbacks, nothing logged', async (t) => {
  for (const env of [{}, { LANGFUSE_PUBLIC_KEY: 'pk-lf-1' }, { LANGFUSE_SECRET_KEY: 'sk-lf-1' }, { LANGFUSE_PUBLIC_KEY: '', LANGFUSE_SECRET_KEY: 'sk' }]) {
    const log = recorder();
    t.same(await tracingCallbacks(env, log), [], JSON.stringify(env));
    t.same(log.lines, []);
  }
});

t.test(
  'keys set, packages not installed: tracing off with a warning that says how to turn it on',
  { skip: installed && 'the Langfuse packages are installed' },
  async (t) => {
    const log = recorder();
    const callbacks = await tracingCallbacks({ LANGFUSE_PUBLIC_KEY: 'pk-lf-1', LANGFUSE_SECRET_KEY: 'sk-lf-1', LANGFUSE_BASE_URL: 'http://127.0.0.1:9' }, log);
    t.same(callbacks, []);
    t.equal(log.lines.length, 1);
    const [line] = log.lines;
    t.equal(line!.level, 'warn');
    t.match(line!.m, 'tracing off');
    t.match(line!.m, `npm install -w engine ${LANGFUSE_PACKAGES.join(' ')}`);
    t.match((line!.o as { err: string }).err, /Cannot find (package|module) '@(langfuse|opentelemetry)\//);
    await shutdownTracing(); // nothing was started: a no-op
  },
);

// Runs where the packages are installed (not by default): a local server stands in for Langfuse's
// OTLP endpoint; a traced run's spans reach it, signed with the keys, when tracing shuts down.
t.test('keys set, packages installed: a run is exported to LANGFUSE_BASE_URL', { skip: !installed && 'the Langfuse packages are not installed' }, async (t) => {
  const hits: { url?: string; auth?: string; bytes: number }[] = [];
  const srv = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (d: Buffer) => (bytes += d.length));
    req.on('end', () => {
      hits.push({ url: req.url, auth: req.headers.authorization, bytes });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.teardown(() => srv.close());
  const log = recorder();
  const baseUrl = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  const callbacks = await tracingCallbacks({ LANGFUSE_PUBLIC_KEY: 'pk-lf-1', LANGFUSE_SECRET_KEY: 'sk-lf-1', LANGFUSE_BASE_URL: baseUrl }, log);
  t.equal(callbacks.length, 1);
  t.same(log.lines, [{ level: 'info', o: { baseUrl }, m: 'Langfuse tracing on' }]);
  t.equal(await RunnableLambda.from((x: string) => x.toUpperCase()).invoke('hi', { callbacks }), 'HI');
  await shutdownTracing();
  t.equal(hits.length, 1);
  t.equal(hits[0]!.url, '/api/public/otel/v1/traces');
  t.equal(hits[0]!.auth, `Basic ${Buffer.from('pk-lf-1:sk-lf-1').toString('base64')}`);
  t.ok(hits[0]!.bytes > 0);
});
