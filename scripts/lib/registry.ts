/** The back office's registry in Redis, for the command-line scripts (read once, no subscription). */
import type { Config } from '../../gateway/src/config.js';
import type { RedisConnection } from '@chat/shared/server';
import { newRedisClient } from '../../gateway/src/redis-client.js';
import { redisRegistryStore, REGISTRY_SCRIPTS, type RegistryRedis } from '../../gateway/src/admin/store.js';
import { Registry } from '../../gateway/src/admin/registry.js';
import { BackOffice } from '../../gateway/src/admin/back-office.js';

type Client = RegistryRedis & RedisConnection;

export async function openRegistry(config: Config) {
  const client = newRedisClient<Client>(config.redisUrl!, config.redisCluster, REGISTRY_SCRIPTS);
  await client.connect();
  const store = redisRegistryStore(client, { auditMax: config.auditMaxEntries, onError: () => {} });
  const defaults = { turnsPerMinute: config.rateTurnsPerMinute, sessionsPerHour: config.rateSessionsPerHour, platformIssuer: config.jwtIssuer };
  const registry = new Registry(store, defaults, { pollMs: 60_000, onError: () => {} });
  await registry.refresh();
  return { registry, backOffice: new BackOffice(store, registry, defaults), close: () => client.close().catch(() => {}) };
}
