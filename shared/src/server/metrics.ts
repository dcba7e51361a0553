/**
 * The metrics plumbing both services share: a prom-client registry with the default process
 * metrics, the errors counter and the Redis histogram; Redis time per request (AsyncLocalStorage);
 * `Server-Timing` on every response head; and a hook that hands each SSE response to the service's
 * own stream figures. Each service adds its own metrics to the registry.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface RequestTiming {
  start: number;
  redisMs: number;
}

const timings = new AsyncLocalStorage<RequestTiming>();

export interface BaseMetrics {
  registry: Registry;
  errors: Counter<'code'>;
  redis: Histogram<'op'>;
}

export function createBaseMetrics(prefix: string, redisHelp: string): BaseMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: `${prefix}_` });
  const registers = [registry];
  return {
    registry,
    errors: new Counter({ name: `${prefix}_errors_total`, help: 'Errors answered (JSON or stream error event), by code', labelNames: ['code'], registers }),
    redis: new Histogram({
      name: `${prefix}_redis_duration_seconds`,
      help: redisHelp,
      labelNames: ['op'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
      registers,
    }),
  };
}

/** Replace `obj[name]` with a timed version of itself (the object keeps its identity for others). */
export function timeCalls(obj: object, names: readonly string[], op: (name: string) => string, redis: Histogram<'op'>): void {
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
        redis.observe({ op: op(name) }, d / 1000);
        const s = timings.getStore();
        if (s) s.redisMs += d;
      }
    };
  }
}

const ms = (t: number) => (performance.now() - t).toFixed(1);

/** Watch what a response writes: Server-Timing on its head, and `onStream` when it is SSE. */
function tapResponse(
  req: FastifyRequest,
  res: ServerResponse,
  t: RequestTiming,
  onStream: (req: FastifyRequest, res: ServerResponse, t: RequestTiming) => void,
): void {
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
    if (type.startsWith('text/event-stream')) onStream(req, res, t);
    return writeHead(...args);
  };
}

/** The request hooks: timing and Server-Timing, SSE responses to `onStream`, JSON error codes counted. */
export function installRequestMetrics(
  app: FastifyInstance,
  m: BaseMetrics,
  onStream: (req: FastifyRequest, res: ServerResponse, t: RequestTiming) => void,
): void {
  app.addHook('onRequest', (req, reply, done) => {
    const t: RequestTiming = { start: performance.now(), redisMs: 0 };
    tapResponse(req, reply.raw, t, onStream);
    timings.run(t, done);
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    if (reply.statusCode >= 400 && typeof payload === 'string') {
      const code = /"code":"([a-z_]+)"/.exec(payload)?.[1];
      if (code) m.errors.inc({ code });
    }
    return payload;
  });
}
