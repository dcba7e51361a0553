/**
 * Observability of the engine: Prometheus metrics (GET /metrics, open like the health checks:
 * the engine only listens on the internal network), `Server-Timing` on every response head, Redis
 * time per request, and a content-free summary of each turn (text and values only with LOG_CONTENT).
 * Streams are measured where they leave the process: a tap parses the SSE bytes actually written.
 */
import fp from 'fastify-plugin';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ServerResponse } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createSseParser } from '@chat/shared';

export const METRICS_ROUTE = '/metrics';

interface Timing {
  start: number;
  redisMs: number;
}

const als = new AsyncLocalStorage<Timing>();
const ms = (t: number) => (performance.now() - t).toFixed(1);

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'engine_' });
  const r = { registers: [registry] };
  return {
    registry,
    turns: new Counter({ name: 'engine_turns_total', help: 'Turns, by outcome (done status or error)', labelNames: ['outcome'], ...r }),
    ttft: new Histogram({ name: 'engine_ttft_seconds', help: 'Turn start to first token written', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10], ...r }),
    activeStreams: new Gauge({ name: 'engine_active_streams', help: 'Turn streams open now', ...r }),
    tokens: new Counter({ name: 'engine_tokens_streamed_total', help: 'token events written', ...r }),
    errors: new Counter({ name: 'engine_errors_total', help: 'Errors answered (JSON or stream error event), by code', labelNames: ['code'], ...r }),
    redis: new Histogram({
      name: 'engine_redis_duration_seconds',
      help: 'Latency of session, lock, transcript and checkpoint calls to Redis, by operation',
      labelNames: ['op'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
      ...r,
    }),
  };
}
type Metrics = ReturnType<typeof createMetrics>;

/** Replace `obj[name]` with a timed version of itself (the object keeps its identity for others). */
function timeMethods(obj: object, names: string[], prefix: string, m: Metrics): void {
  const o = obj as Record<string, unknown>;
  for (const name of names) {
    const inner = o[name];
    if (typeof inner !== 'function') continue;
    const bound = (inner as (...a: unknown[]) => unknown).bind(obj);
    o[name] = async (...args: unknown[]) => {
      const t = performance.now();
      try {
        return await bound(...args);
      } finally {
        const d = performance.now() - t;
        m.redis.observe({ op: `${prefix}.${name}` }, d / 1000);
        const s = als.getStore();
        if (s) s.redisMs += d;
      }
    };
  }
}

function tap(req: FastifyRequest, res: ServerResponse, t: Timing, m: Metrics, logContent: boolean): void {
  const writeHead = res.writeHead.bind(res) as (...a: unknown[]) => ServerResponse;
  (res as unknown as { writeHead: unknown }).writeHead = (...args: unknown[]) => {
    const idx = args.findIndex((a, i) => i > 0 && typeof a === 'object' && a !== null && !Array.isArray(a));
    const given = idx > 0 ? (args[idx] as Record<string, unknown>) : {};
    const type = String(Object.entries(given).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? res.getHeader('content-type') ?? '');
    const timing = `app;dur=${ms(t.start)}, redis;dur=${t.redisMs.toFixed(1)}`;
    if (!res.hasHeader('server-timing')) {
      if (idx > 0) args[idx] = { ...given, 'server-timing': timing };
      else res.setHeader('server-timing', timing);
    }
    if (type.startsWith('text/event-stream')) watch(req, res, t, m, logContent);
    return writeHead(...args);
  };
}

function watch(req: FastifyRequest, res: ServerResponse, t: Timing, m: Metrics, logContent: boolean): void {
  m.activeStreams.inc();
  let tokens = 0;
  let ttftMs: number | undefined;
  let outcome = 'cut';
  let fields: string[] = [];
  const parser = createSseParser({
    onEvent(ev) {
      if (ev.event === 'token') {
        if (tokens++ === 0) m.ttft.observe((ttftMs = performance.now() - t.start) / 1000);
        m.tokens.inc();
      } else if (ev.event === 'data') {
        fields = Object.keys(ev.data.data);
        if (logContent) req.log.info({ data: ev.data.data }, 'collected');
      } else if (ev.event === 'done') outcome = ev.data.status;
      else if (ev.event === 'error') {
        outcome = 'error';
        m.errors.inc({ code: ev.data.code });
      }
    },
  });
  const write = res.write.bind(res) as (...a: unknown[]) => boolean;
  (res as unknown as { write: unknown }).write = (chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string') parser.feed(chunk);
    else if (chunk instanceof Uint8Array) parser.feed(Buffer.from(chunk).toString('utf8'));
    return write(chunk, ...rest);
  };
  res.once('close', () => {
    m.activeStreams.dec();
    m.turns.inc({ outcome });
    req.log.info({ outcome, tokens, fields, ttftMs: ttftMs === undefined ? undefined : Math.round(ttftMs), durationMs: Math.round(performance.now() - t.start) }, 'turn ended');
  });
}

export default fp<{ logContent: boolean }>(
  async (app, { logContent }) => {
    const m = createMetrics();
    timeMethods(app.checkpointer, ['getTuple', 'put', 'putWrites', 'deleteThread'], 'checkpoint', m);
    timeMethods(app.sessionStore, ['startTurn', 'acquireLock', 'releaseLock', 'extendLock', 'finishTurn', 'readTranscript', 'deleteSession'], 'session', m);

    app.addHook('onRequest', (req, reply, done) => {
      const t: Timing = { start: performance.now(), redisMs: 0 };
      tap(req, reply.raw, t, m, logContent);
      als.run(t, done);
    });
    app.addHook('onSend', async (_req, reply, payload) => {
      if (reply.statusCode >= 400 && typeof payload === 'string') {
        const code = /"code":"([a-z_]+)"/.exec(payload)?.[1];
        if (code) m.errors.inc({ code });
      }
      return payload;
    });
    app.addHook('preHandler', async (req) => {
      if (req.method !== 'POST' || !req.routeOptions.url?.endsWith('/turns')) return;
      const body = req.body as { message?: { id?: string; text?: string }; template?: { id?: string } } | undefined;
      const text = body?.message?.text ?? '';
      req.log.info(
        { session: (req.params as { id?: string }).id, messageId: body?.message?.id, chars: text.length, template: body?.template?.id, ...(logContent ? { text } : {}) },
        'turn started',
      );
    });
    app.get(METRICS_ROUTE, async (_req, reply) => {
      void reply.type(m.registry.contentType);
      return m.registry.metrics();
    });
  },
  { name: 'metrics', dependencies: ['state'] },
);
