/**
 * Graceful shutdown (@chat/shared/server's drain): `app.drain(graceMs)` refuses new work (503
 * shutting_down as JSON for every request but /healthz and /metrics; /readyz answers 503 so no new
 * turn is routed here), lets running turns finish up to the grace period, then ends the rest with a
 * retryable `shutting_down` event (their writes are discarded: all or nothing). serve() closes after.
 */
import fp from 'fastify-plugin';
import { WorkSet, drainPlugin } from '@chat/shared/server';

export interface RunningTurn {
  /** End the turn's stream with `shutting_down` and abort its run. */
  shutdown(): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Turns being streamed by this process. */
    runningTurns: WorkSet<RunningTurn>;
  }
}

export default fp(
  async (app) => {
    const running = new WorkSet<RunningTurn>();
    app.decorate('runningTurns', running);
    await app.register(drainPlugin, { work: running as WorkSet<unknown>, end: (t) => (t as RunningTurn).shutdown(), what: 'running turns' });
  },
  { name: 'turn-drain' },
);
