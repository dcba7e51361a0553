/**
 * Graceful shutdown, step one: `app.drain(graceMs)` stops accepting work (503 shutting_down as
 * JSON for every new request but the liveness probe; /readyz answers 503 so a load balancer
 * takes the replica out) and waits for the open streams to finish, up to the grace period;
 * whatever is still open then ends with a retryable `shutting_down` event. server.ts closes after.
 */
import fp from 'fastify-plugin';
import { AppError } from '@chat/shared';

declare module 'fastify' {
  interface FastifyInstance {
    readonly draining: boolean;
    drain(graceMs: number): Promise<void>;
  }
}

/** Answered while draining: liveness, and metrics so the last scrape sees the drain. */
const STILL_OPEN = new Set(['/healthz', '/metrics']);

export default fp(
  async (app) => {
    let draining = false;
    app.decorate('draining', {
      getter: () => draining,
    });
    app.addHook('onRequest', async (request) => {
      if (draining && !STILL_OPEN.has(request.url.split('?')[0]!)) throw new AppError('shutting_down');
    });
    app.decorate('drain', async (graceMs: number) => {
      draining = true;
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((r) => (timer = setTimeout(() => r('expired'), graceMs)));
      const outcome = await Promise.race([app.streams.whenEmpty().then(() => 'idle' as const), expired]);
      clearTimeout(timer);
      if (outcome === 'expired') {
        app.log.warn({ open: app.streams.size }, 'grace period over: ending open streams with shutting_down');
        app.streams.failAll('shutting_down');
        await app.streams.whenEmpty();
      }
    });
  },
  { name: 'drain', dependencies: ['streams'] },
);
