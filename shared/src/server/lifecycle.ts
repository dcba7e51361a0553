/**
 * Drain and shutdown, the same in both services. `drainPlugin` gives `app.drain(graceMs)`: new
 * requests get 503 `shutting_down` as JSON (but the liveness probe and /metrics, so the last scrape
 * sees the drain; /readyz is refused like any request, so a load balancer takes the replica out),
 * the work in flight gets up to the grace period, and whatever is left is ended by the service's
 * `end` (a retryable `shutting_down` event). `serve` listens and hands SIGTERM/SIGINT, an uncaught
 * error or an unhandled rejection to close-with-grace: drain, close, exit (0, or 1 after an error
 * or when closing outlasts the grace period by 5 s).
 */
import closeWithGrace from 'close-with-grace';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

/** A set of things in flight that can say when it is empty. */
export class WorkSet<T> extends Set<T> {
  private idle: Array<() => void> = [];

  override delete(item: T): boolean {
    const had = super.delete(item);
    if (this.size === 0) for (const fn of this.idle.splice(0)) fn();
    return had;
  }

  /** Resolves when nothing is in flight (at once when nothing is). */
  whenEmpty(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    readonly draining: boolean;
    drain(graceMs: number): Promise<void>;
  }
}

/** Answered while draining: liveness, and metrics so the last scrape sees the drain. */
export const OPEN_WHILE_DRAINING: ReadonlySet<string> = new Set(['/healthz', '/metrics']);

export interface DrainOptions<T> {
  /** What shutdown waits for. */
  work: WorkSet<T>;
  /** End one item when the grace period is over (it must leave `work` soon after). */
  end: (item: T) => void;
  /** What the work is called in the log line. */
  what: string;
}

export const drainPlugin = fp<DrainOptions<unknown>>(
  async (app, { work, end, what }) => {
    let draining = false;
    app.decorate('draining', { getter: () => draining });
    app.addHook('onRequest', async (request) => {
      if (draining && !OPEN_WHILE_DRAINING.has(request.url.split('?')[0]!)) throw new AppError('shutting_down');
    });
    app.decorate('drain', async (graceMs: number) => {
      draining = true;
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((r) => (timer = setTimeout(() => r('expired'), graceMs)));
      const outcome = await Promise.race([work.whenEmpty().then(() => 'idle' as const), expired]);
      clearTimeout(timer);
      if (outcome === 'expired') {
        app.log.warn({ open: work.size }, `grace period over: ending ${what} with shutting_down`);
        for (const item of [...work]) end(item);
        await work.whenEmpty();
      }
    });
  },
  { name: 'drain' },
);

export interface ServeOptions {
  port: number;
  host: string;
  /** How long work in flight may take to finish after a signal. */
  shutdownGraceMs: number;
}

/** Signals that start a graceful close; a repeated one is ignored while closing (the timeout bounds it). */
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Listen, then close with grace on SIGTERM/SIGINT or a fatal error. */
export async function serve(app: FastifyInstance, o: ServeOptions): Promise<void> {
  await app.listen({ port: o.port, host: o.host });
  const closer = closeWithGrace(
    {
      // Drain gets the grace period; this bounds anything else that hangs.
      delay: o.shutdownGraceMs + 5000,
      logger: { error: (m: unknown) => app.log.error(m instanceof Error ? { err: m } : {}, m instanceof Error ? 'close failed' : String(m)) },
      // Signals are taken below, so that a second Ctrl-C (the terminal's and a supervisor's) does not cut the drain short.
      onTimeout: () => app.log.warn('close did not finish after the grace period: exiting'),
      skip: ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGSEGV', 'SIGUSR2', 'SIGTERM', 'beforeExit'],
    },
    async ({ err }) => {
      if (err) app.log.error({ err }, 'fatal error: closing');
      await app.drain(o.shutdownGraceMs);
      await app.close();
    },
  );
  let closing = false;
  for (const signal of SIGNALS)
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      app.log.info({ signal }, 'shutting down');
      closer.close();
    });
}
