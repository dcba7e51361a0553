/**
 * How every gateway part (the Kv, the event log, the webhook outbox) opens its own Redis
 * connection, and what a storage failure looks like to a caller: @chat/shared/server's client
 * factory (the engine uses the same one). `newRedisClient(url, cluster)` keeps the old call shape.
 */
import { guarded, newRedisClient as sharedClient, type LuaScript } from '@chat/shared/server';

export { guarded };

/** A node-redis client (or cluster client), not yet connected, typed as the caller's command subset. */
export function newRedisClient<T>(url: string, cluster: boolean, scripts: readonly LuaScript[] = []): T {
  return sharedClient<T>(url, { cluster, scripts });
}
