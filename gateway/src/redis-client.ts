/**
 * How every gateway part (the Kv, the event log, the webhook outbox) opens its own Redis
 * connection, and what a storage failure looks like to a caller.
 */
import { createClient, createCluster } from 'redis';
import { AppError } from '@chat/shared';

/**
 * A node-redis client (or cluster client: `url` is then comma-separated seed nodes), not yet
 * connected, typed as the caller's command subset. No offline queue: while Redis is away a
 * command fails at once (a turn gets 503), it never hangs.
 */
export function newRedisClient<T>(url: string, cluster: boolean): T {
  const socket = { connectTimeout: 2000, reconnectStrategy: (n: number) => Math.min(50 * 2 ** n, 2000) };
  return (
    cluster
      ? createCluster({ rootNodes: url.split(',').map((u) => ({ url: u.trim() })), defaults: { disableOfflineQueue: true, socket } })
      : createClient({ url, disableOfflineQueue: true, socket })
  ) as unknown as T;
}

/** Wrap storage failures so the error handler answers 503 state_unavailable, not 500. */
export async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw Object.assign(new AppError('state_unavailable'), { cause: e });
  }
}
