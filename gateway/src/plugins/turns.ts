/**
 * The turns of this gateway: the turn coordinator (`app.turnCoordinator`: claims, leases, stop
 * requests; on Redis when REDIS_URL is set, else in process memory) and the turn service
 * (`app.turns`, turns/service.ts) the chat and stream routes call. A stop request published by
 * any gateway process stops the relay of that session here, if this gateway runs it.
 * Registered after the sessions, previews and engine it uses.
 */
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import type { TurnCoordinator } from '../turns/coordinator.js';
import { memoryTurnCoordinator } from '../turns/coordinator-memory.js';
import { redisTurnCoordinator } from '../turns/coordinator-redis.js';
import { TurnService } from '../turns/service.js';

declare module 'fastify' {
  interface FastifyInstance {
    turnCoordinator: TurnCoordinator;
    turns: TurnService;
  }
}

export default fp<{ config: Config; coordinator?: TurnCoordinator }>(
  async (app, { config, coordinator: given }) => {
    const notify = (sessionId: string) => app.eventLog.notify(sessionId);
    const coordinator =
      given ??
      (config.redisUrl
        ? await redisTurnCoordinator({
            url: config.redisUrl,
            cluster: config.redisCluster,
            ttlS: config.sessionTtlS,
            notify,
            onError: (e) => app.log.error({ err: e }, 'redis error (turns)'),
          })
        : memoryTurnCoordinator({ ttlS: config.sessionTtlS, notify }));
    if (!given) app.addHook('onClose', async () => coordinator.close());
    coordinator.onStop((sessionId) => {
      if (app.streams.stopRelay(sessionId)) app.log.info({ session: sessionId }, 'turn stopped on request');
    });
    app.decorate('turnCoordinator', coordinator);
    app.decorate(
      'turns',
      new TurnService({
        config,
        log: app.eventLog,
        coordinator,
        streams: app.streams,
        heartbeats: app.heartbeats,
        sessions: app.sessions,
        tenants: app.tenants,
        previews: app.previews,
        engine: app.engine,
        assertSiteOrigin: app.assertSiteOrigin,
      }),
    );
  },
  { name: 'turns', dependencies: ['event-log', 'streams'] },
);
