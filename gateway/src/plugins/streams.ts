/**
 * This gateway's open streams (`app.streams`: relays and followers, see active-streams.ts) and
 * their shared heartbeat (`app.heartbeats`, every HEARTBEAT_MS). Per app, not per process: two
 * gateways in one process (tests run replicas so) neither ping nor stop nor drain each other's
 * streams. Closing the app ends what is still open with a retryable `shutting_down` first, or
 * open streams would hold close() forever.
 */
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { ActiveStreams } from '../active-streams.js';
import { Heartbeats } from '../heartbeats.js';

declare module 'fastify' {
  interface FastifyInstance {
    streams: ActiveStreams;
    heartbeats: Heartbeats;
  }
}

export default fp<{ config: Config }>(
  async (app, { config }) => {
    const streams = new ActiveStreams();
    app.decorate('streams', streams);
    app.decorate('heartbeats', new Heartbeats(config.heartbeatMs));
    app.addHook('preClose', async () => streams.failAll('shutting_down'));
  },
  { name: 'streams' },
);
