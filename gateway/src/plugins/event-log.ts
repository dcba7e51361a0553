/**
 * The session event log (resumable streams) as `app.eventLog`: on Redis when REDIS_URL is set,
 * else in process memory like the Kv. Which turn runs is the turn coordinator's (plugins/turns.ts).
 */
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import type { EventLog } from '../event-log/log.js';
import { memoryEventLog } from '../event-log/memory.js';
import { redisEventLog } from '../event-log/redis.js';

declare module 'fastify' {
  interface FastifyInstance {
    eventLog: EventLog;
  }
}

export default fp<{ config: Config; log?: EventLog }>(
  async (app, { config, log: given }) => {
    const opts = { maxEvents: config.eventLogMaxEvents, ttlS: config.sessionTtlS };
    const log =
      given ??
      (config.redisUrl
        ? await redisEventLog({
            ...opts,
            url: config.redisUrl,
            cluster: config.redisCluster,
            onError: (e) => app.log.error({ err: e }, 'redis error (event log)'),
          })
        : memoryEventLog(opts));
    if (!given) app.addHook('onClose', async () => log.close());
    app.decorate('eventLog', log);
  },
  { name: 'event-log' },
);
