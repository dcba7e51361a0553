/**
 * Graceful shutdown: `app.drain(graceMs)` refuses new work (503 shutting_down as JSON for every
 * request but /healthz; /readyz answers 503 so no new turn is routed here), lets running turns
 * finish up to the grace period, then ends the rest with a retryable `shutting_down` event (their
 * writes are discarded: all or nothing). server.ts closes after.
 */
import fp from 'fastify-plugin';
import { AppError } from '@chat/shared';

export interface RunningTurn {
  /** End the turn's stream with `shutting_down` and abort its run. */
  shutdown(): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    readonly draining: boolean;
    /** Turns being streamed by this process. */
    runningTurns: Set<RunningTurn>;
    drain(graceMs: number): Promise<void>;
  }
}

export default fp(
  async (app) => {
    let draining = false;
    const running = new Set<RunningTurn>();
    app.decorate('draining', { getter: () => draining });
    app.decorate('runningTurns', running);
    app.addHook('onRequest', async (request) => {
      if (draining && request.url.split('?')[0] !== '/healthz') throw new AppError('shutting_down');
    });
    app.decorate('drain', async (graceMs: number) => {
      draining = true;
      const deadline = Date.now() + graceMs;
      while (running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      if (running.size > 0) {
        app.log.warn({ open: running.size }, 'grace period over: ending running turns with shutting_down');
        for (const t of [...running]) t.shutdown();
        while (running.size > 0) await new Promise((r) => setTimeout(r, 25));
      }
    });
  },
  { name: 'drain' },
);
