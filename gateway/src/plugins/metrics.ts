/**
 * Observability of the gateway: Prometheus metrics (served by routes/metrics.ts), `Server-Timing` on every
 * response head, Redis time per request, and a content-free summary of each streamed turn.
 * Streams are measured where they leave the process: the relay and the log follower report each
 * event as they write it (stream-events.ts), so TTFT is "request start to first token written"
 * without re-parsing the SSE bytes on the per-token path.
 */
import fp from 'fastify-plugin';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ServerResponse } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Config } from '../config.js';
import type { Kv } from './redis.js';
import { watchStreamEvents } from '../stream-events.js';

export interface GatewayMetrics {
  registry: Registry;
  turns: Counter<'outcome'>;
  ttft: Histogram;
  activeStreams: Gauge;
  tokens: Counter;
  errors: Counter<'code'>;
  redis: Histogram<'op'>;
  webhookDeliveries: Counter<'outcome'>;
  webhookFailures: Counter<'outcome'>;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: GatewayMetrics;
  }
}

interface Timing {
  start: number;
  redisMs: number;
}

const als = new AsyncLocalStorage<Timing>();
const ms = (t: number) => (performance.now() - t).toFixed(1);
const serverTiming = (t: Timing) => `app;dur=${ms(t.start)}, redis;dur=${t.redisMs.toFixed(1)}`;

export function createMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gateway_' });
  const r = { registers: [registry] };
  return {
    registry,
    turns: new Counter({ name: 'gateway_turns_total', help: 'Turns relayed, by outcome (done status or error)', labelNames: ['outcome'], ...r }),
    ttft: new Histogram({
      name: 'gateway_ttft_seconds',
      help: 'Request start to the first token written to the client',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      ...r,
    }),
    activeStreams: new Gauge({ name: 'gateway_active_streams', help: 'SSE responses open now', ...r }),
    tokens: new Counter({ name: 'gateway_tokens_streamed_total', help: 'token events written to clients', ...r }),
    errors: new Counter({ name: 'gateway_errors_total', help: 'Errors answered (JSON or stream error event), by code', labelNames: ['code'], ...r }),
    redis: new Histogram({
      name: 'gateway_redis_duration_seconds',
      help: 'Redis command latency, by operation',
      labelNames: ['op'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
      ...r,
    }),
    webhookDeliveries: new Counter({ name: 'gateway_webhook_deliveries_total', help: 'Webhook attempts, by outcome', labelNames: ['outcome'], ...r }),
    webhookFailures: new Counter({ name: 'gateway_webhook_failures_total', help: 'Webhook attempts that did not deliver, by outcome', labelNames: ['outcome'], ...r }),
  };
}

/** Time every Kv call: a histogram per operation and the request's Redis total for Server-Timing. */
function timeKv(kv: Kv, m: GatewayMetrics): void {
  for (const op of ['hashSet', 'hashGetAll', 'incrWindow'] as const) {
    const inner = kv[op].bind(kv) as (...a: unknown[]) => Promise<unknown>;
    (kv as unknown as Record<string, unknown>)[op] = async (...args: unknown[]) => {
      const t = performance.now();
      try {
        return await inner(...args);
      } finally {
        const d = performance.now() - t;
        m.redis.observe({ op }, d / 1000);
        const store = als.getStore();
        if (store) store.redisMs += d;
      }
    };
  }
}

/** Watch what a response writes: Server-Timing on its head, and stream figures when it is SSE. */
function tapResponse(req: FastifyRequest, res: ServerResponse, t: Timing, m: GatewayMetrics, logContent: boolean): void {
  const writeHead = res.writeHead.bind(res) as (...a: unknown[]) => ServerResponse;
  (res as unknown as { writeHead: unknown }).writeHead = (...args: unknown[]) => {
    const idx = args.findIndex((a, i) => i > 0 && typeof a === 'object' && a !== null && !Array.isArray(a));
    const given = idx > 0 ? (args[idx] as Record<string, unknown>) : {};
    const type = String(Object.entries(given).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? res.getHeader('content-type') ?? '');
    if (!res.hasHeader('server-timing')) {
      if (idx > 0) args[idx] = { ...given, 'server-timing': serverTiming(t) };
      else res.setHeader('server-timing', serverTiming(t));
    }
    if (type.startsWith('text/event-stream')) watchStream(req, res, t, m, logContent);
    return writeHead(...args);
  };
}

function watchStream(req: FastifyRequest, res: ServerResponse, t: Timing, m: GatewayMetrics, logContent: boolean): void {
  m.activeStreams.inc();
  let tokens = 0;
  let ttftMs: number | undefined;
  let outcome = 'cut';
  watchStreamEvents(res, (ev) => {
    if (ev.event === 'token') {
      if (tokens++ === 0) {
        ttftMs = performance.now() - t.start;
        m.ttft.observe(ttftMs / 1000);
      }
      m.tokens.inc();
    } else if (ev.event === 'data' && logContent) {
      req.log.info({ data: ev.data.data }, 'collected');
    } else if (ev.event === 'done') {
      outcome = ev.data.status;
    } else if (ev.event === 'error') {
      outcome = 'error';
      m.errors.inc({ code: ev.data.code });
    }
  });
  res.once('close', () => {
    m.activeStreams.dec();
    m.turns.inc({ outcome });
    req.log.info({ outcome, tokens, ttftMs: ttftMs === undefined ? undefined : Math.round(ttftMs), durationMs: Math.round(performance.now() - t.start) }, 'stream ended');
  });
}

export default fp<{ config: Config }>(
  async (app, { config }) => {
    const m = createMetrics();
    app.decorate('metrics', m);
    timeKv(app.kv, m);

    app.addHook('onRequest', (req, reply, done) => {
      const t: Timing = { start: performance.now(), redisMs: 0 };
      tapResponse(req, reply.raw, t, m, config.logContent);
      als.run(t, done);
    });
    app.addHook('onSend', async (_req, reply, payload) => {
      if (reply.statusCode >= 400 && typeof payload === 'string') {
        const code = /"code":"([a-z_]+)"/.exec(payload)?.[1];
        if (code) m.errors.inc({ code });
      }
      return payload;
    });
    // What a turn is about, never what it says, unless LOG_CONTENT=true.
    app.addHook('preHandler', async (req) => {
      if (req.routeOptions.url !== '/v1/chat' || req.method !== 'POST') return;
      const body = req.body as { sessionId?: string; message?: { id?: string; text?: string } } | undefined;
      const text = body?.message?.text ?? '';
      req.log.info({ sessionId: body?.sessionId, messageId: body?.message?.id, chars: text.length, ...(config.logContent ? { text } : {}) }, 'turn requested');
    });
  },
  { name: 'metrics', dependencies: ['redis'] },
);
