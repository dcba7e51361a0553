/**
 * Rate limits that hold across gateway replicas: @fastify/rate-limit with a store on the shared
 * Redis (its built-in Redis store needs ioredis; ours uses node-redis, INCR and PEXPIRE in one Lua
 * script). Limiters run as preHandler hooks, after auth and schema validation, so a refused or
 * malformed request never touches a counter.
 */
import fp from 'fastify-plugin';
import { isIP } from 'node:net';
import rateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '@chat/shared';
import type { Kv } from './redis.js';
import type { Config } from '../config.js';
import { visitorKey } from './auth.js';

type IncrCallback = (err: Error | null, res?: { current: number; ttl: number }) => void;

/** The store contract @fastify/rate-limit calls: incr(key, cb, timeWindow, max) and child(). */
class KvStore {
  constructor(
    private readonly kv: Kv,
    private readonly prefix = 'rl:',
  ) {}
  incr(key: string, cb: IncrCallback, timeWindow: number): void {
    this.kv.incrWindow(this.prefix + key, timeWindow).then(
      ({ count, ttlMs }) => cb(null, { current: count, ttl: ttlMs }),
      (e: Error) => cb(e),
    );
  }
  child(): KvStore {
    return this;
  }
}

export interface LimitSpec {
  /** Counter name, part of the Redis key. */
  name: string;
  windowMs: number;
  max: (request: FastifyRequest) => number;
  key: (request: FastifyRequest) => string;
  /** Requests this limit does not count (e.g. turns of an existing session for sessionsPerHour). */
  skip?: (request: FastifyRequest) => boolean;
}

/** One budget per visitor for every read route (session view, stream resume): the name shares the counter. */
export const readsLimit = (config: Config): LimitSpec => ({
  name: 'reads',
  windowMs: 60_000,
  max: () => config.rateReadsPerMinute,
  key: visitorKey,
});

/**
 * The rate-limit key of a client address: an IPv4 address as it is, an IPv6 address by its /64
 * (one subscriber gets a whole /64; counting single addresses would give it 2^64 budgets).
 */
export function clientAddressKey(ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1]!;
  if (isIP(ip) !== 6) return ip;
  const [head = '', tail = ''] = ip.replace(/%.*$/, '').toLowerCase().split('::');
  const h = head ? head.split(':') : [];
  const tl = tail ? tail.split(':') : [];
  if (tl.at(-1)?.includes('.')) tl.splice(-1, 1, '0', '0'); // an embedded IPv4 tail: outside the /64
  const full = ip.includes('::') ? [...h, ...Array(8 - h.length - tl.length).fill('0'), ...tl] : h;
  return `${full
    .slice(0, 4)
    .map((x) => x.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    /** A preHandler that answers 429 rate_limited with Retry-After once `spec` is exceeded. */
    limit: (spec: LimitSpec) => Hook;
  }
}

interface LimitResult {
  isAllowed: boolean;
  isExceeded?: boolean;
  ttlInSeconds?: number;
  max?: number;
  remaining?: number;
}

export default fp(
  async (app) => {
    const kv = app.kv;
    // The plugin constructs the store itself, so bind our Kv in a subclass.
    const Store = class extends KvStore {
      constructor() {
        super(kv);
      }
    };
    await app.register(rateLimit, { global: false, store: Store, skipOnError: false });

    app.decorate('limit', (spec: LimitSpec): Hook => {
      const check = app.createRateLimit({
        timeWindow: spec.windowMs,
        max: (req: FastifyRequest) => spec.max(req),
        keyGenerator: (req: FastifyRequest) => `${spec.name}:${spec.key(req)}`,
        ...(spec.skip ? { allowList: (req: FastifyRequest) => spec.skip!(req) } : {}),
      }) as unknown as (req: FastifyRequest) => Promise<LimitResult>;
      return async (request, reply) => {
        const r = await check(request);
        if (r.isAllowed || !r.isExceeded) return;
        const retryAfter = Math.max(1, r.ttlInSeconds ?? 1);
        reply.header('retry-after', String(retryAfter));
        throw new AppError('rate_limited', `Too many requests (${spec.name}); retry in ${retryAfter} s.`);
      };
    });
  },
  { name: 'limits', dependencies: ['redis'] },
);
