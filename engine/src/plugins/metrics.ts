/**
 * Observability of the engine: Prometheus metrics (GET /metrics, open like the health checks:
 * the engine only listens on the internal network), `Server-Timing` on every response head, Redis
 * time per request, and a content-free summary of each turn (text and values only with LOG_CONTENT).
 * Streams are measured where they leave the process: a tap parses the SSE bytes actually written.
 */
import fp from 'fastify-plugin';
import type { ServerResponse } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram } from 'prom-client';
import { createSseParser } from '@chat/shared';
import { createBaseMetrics, installRequestMetrics, timeCalls, type RequestTiming } from '@chat/shared/server';

export const METRICS_ROUTE = '/metrics';

function createMetrics() {
  const base = createBaseMetrics('engine', 'Latency of session, lock, transcript and checkpoint calls to Redis, by operation');
  const r = { registers: [base.registry] };
  return {
    ...base,
    turns: new Counter({ name: 'engine_turns_total', help: 'Turns, by outcome (done status or error)', labelNames: ['outcome'], ...r }),
    ttft: new Histogram({
      name: 'engine_ttft_seconds',
      help: 'Turn start to first token written',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      ...r,
    }),
    activeStreams: new Gauge({ name: 'engine_active_streams', help: 'Turn streams open now', ...r }),
    tokens: new Counter({ name: 'engine_tokens_streamed_total', help: 'token events written', ...r }),
  };
}
type Metrics = ReturnType<typeof createMetrics>;

function watch(req: FastifyRequest, res: ServerResponse, t: RequestTiming, m: Metrics, logContent: boolean): void {
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
    req.log.info(
      { outcome, tokens, fields, ttftMs: ttftMs === undefined ? undefined : Math.round(ttftMs), durationMs: Math.round(performance.now() - t.start) },
      'turn ended',
    );
  });
}

export default fp<{ logContent: boolean }>(
  async (app, { logContent }) => {
    const m = createMetrics();
    timeCalls(app.checkpointer, ['getTuple', 'put', 'putWrites', 'deleteThread'], (n) => `checkpoint.${n}`, m.redis);
    timeCalls(
      app.sessionStore,
      ['startTurn', 'acquireLock', 'releaseLock', 'extendLock', 'finishTurn', 'readTranscript', 'deleteSession'],
      (n) => `session.${n}`,
      m.redis,
    );
    installRequestMetrics(app, m, (req, res, t) => watch(req, res, t, m, logContent));
    app.addHook('preHandler', async (req) => {
      if (req.method !== 'POST' || !req.routeOptions.url?.endsWith('/turns')) return;
      const body = req.body as { message?: { id?: string; text?: string }; template?: { id?: string } } | undefined;
      const text = body?.message?.text ?? '';
      req.log.info(
        {
          session: (req.params as { id?: string }).id,
          messageId: body?.message?.id,
          chars: text.length,
          template: body?.template?.id,
          ...(logContent ? { text } : {}),
        },
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
