/**
 * Graceful shutdown, step one (@chat/shared/server's drain): `app.drain(graceMs)` stops accepting
 * work (503 shutting_down as JSON for every new request but the liveness probe and /metrics;
 * /readyz answers 503 so a load balancer takes the replica out) and waits for this gateway's open
 * streams (`app.streams`) to finish, up to the grace period; whatever is still open then ends with a
 * retryable `shutting_down` event. serve() closes after.
 */
import fp from 'fastify-plugin';
import { drainPlugin, type WorkSet } from '@chat/shared/server';
import type { ActiveStream } from '../active-streams.js';

export default fp(
  async (app) => {
    await app.register(drainPlugin, { work: app.streams as WorkSet<unknown>, end: (s) => (s as ActiveStream).fail('shutting_down'), what: 'open streams' });
  },
  { name: 'stream-drain', dependencies: ['streams'] },
);
