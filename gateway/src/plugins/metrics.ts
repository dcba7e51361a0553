/**
 * Observability of the gateway: Prometheus metrics (served by routes/metrics.ts), `Server-Timing` on every
 * response head, Redis time per request, and a content-free summary of each streamed turn.
 * Streams are measured where they leave the process: the relay and the log follower report each
 * event as they write it (stream-events.ts), so TTFT is "request start to first token written"
 * without re-parsing the SSE bytes on the per-token path.
 */
import fp from 'fastify-plugin';
import type { ServerResponse } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { createBaseMetrics, installRequestMetrics, timeCalls, type RequestTiming } from '@chat/shared/server';
import type { Config } from '../config.js';
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

export function createMetrics(): GatewayMetrics {
  const base = createBaseMetrics('gateway', 'Redis command latency, by operation');
  const r = { registers: [base.registry] };
  return {
    ...base,
    turns: new Counter({ name: 'gateway_turns_total', help: 'Turns relayed, by outcome (done status or error)', labelNames: ['outcome'], ...r }),
    ttft: new Histogram({
      name: 'gateway_ttft_seconds',
      help: 'Request start to the first token written to the client',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      ...r,
    }),
    activeStreams: new Gauge({ name: 'gateway_active_streams', help: 'SSE responses open now', ...r }),
    tokens: new Counter({ name: 'gateway_tokens_streamed_total', help: 'token events written to clients', ...r }),
    webhookDeliveries: new Counter({ name: 'gateway_webhook_deliveries_total', help: 'Webhook attempts, by outcome', labelNames: ['outcome'], ...r }),
    webhookFailures: new Counter({
      name: 'gateway_webhook_failures_total',
      help: 'Webhook attempts that did not deliver, by outcome',
      labelNames: ['outcome'],
      ...r,
    }),
  };
}

function watchStream(req: FastifyRequest, res: ServerResponse, t: RequestTiming, m: GatewayMetrics, logContent: boolean): void {
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
    req.log.info(
      { outcome, tokens, ttftMs: ttftMs === undefined ? undefined : Math.round(ttftMs), durationMs: Math.round(performance.now() - t.start) },
      'stream ended',
    );
  });
}

export default fp<{ config: Config }>(
  async (app, { config }) => {
    const m = createMetrics();
    app.decorate('metrics', m);
    // Every Kv call: a histogram per operation and the request's Redis total for Server-Timing.
    timeCalls(app.kv, ['hashSet', 'hashGetAll', 'incrWindow'], (op) => op, m.redis);
    installRequestMetrics(app, m, (req, res, t) => watchStream(req, res, t, m, config.logContent));
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
