/**
 * The session event log (resumable streams, running-turn marker, stop requests) as `app.eventLog`:
 * on Redis when REDIS_URL is set, else in process memory like the Kv. A stop request published
 * by any gateway process stops the relay of that session here, if this process runs it.
 */
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { activeStreams } from '../active-streams.js';
import type { EventLog } from '../event-log/log.js';
import { memoryEventLog } from '../event-log/memory.js';
import { redisEventLog } from '../event-log/redis.js';

declare module 'fastify' {
  interface FastifyInstance {
    eventLog: EventLog;
  }
}

/** Stop this process's relay of a session's turn; true when there was one. */
export function stopLocalTurn(sessionId: string): boolean {
  let found = false;
  for (const s of [...activeStreams]) {
    if (s.kind === 'relay' && s.sessionId === sessionId && s.stop) {
      s.stop();
      found = true;
    }
  }
  return found;
}

export default fp<{ config: Config; log?: EventLog }>(
  async (app, { config, log: given }) => {
    const opts = { maxEvents: config.eventLogMaxEvents, ttlS: config.sessionTtlS };
    const log =
      given ??
      (config.redisUrl
        ? await redisEventLog({ ...opts, url: config.redisUrl, cluster: config.redisCluster, onError: (e) => app.log.error({ err: e }, 'redis error (event log)') })
        : memoryEventLog(opts));
    log.onStop((sessionId) => {
      if (stopLocalTurn(sessionId)) app.log.info({ session: sessionId }, 'turn stopped on request');
    });
    if (!given) app.addHook('onClose', async () => log.close());
    app.decorate('eventLog', log);
  },
  { name: 'event-log' },
);
