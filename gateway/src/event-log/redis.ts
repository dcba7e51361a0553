/**
 * The event log on Redis: one capped Stream per session (`gw:events:{id}`), with the session's
 * `{id}` hash tag like the coordinator's keys, so a session's keys share one cluster slot.
 *
 * Its own connection rather than the Kv's: a burst of pipelined appends must not queue session
 * reads behind it.
 */
import { isWireEvent, type WireEvent } from '@chat/shared';
import type { EventLog, LoggedEvent } from './log.js';
import { localWakeups } from './memory.js';
import { defineLua, runScript, type RedisConnection } from '@chat/shared/server';
import { guarded, newRedisClient } from '../redis-client.js';

const eventsKey = (id: string) => `gw:events:{${id}}`;

// Append a batch: XADD each (ids given, so they must grow), cap the stream, refresh its TTL.
// KEYS: events. ARGV: max events, ttl seconds, then id, event name, data JSON per event.
const APPEND = defineLua(
  'eventLogAppend',
  `
for i = 3, #ARGV, 3 do
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], ARGV[i], 'e', ARGV[i + 1], 'd', ARGV[i + 2])
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1`,
);

/** The scripts a client the event log uses must be created with (tests building their own client). */
export const EVENT_LOG_SCRIPTS = [APPEND];

interface Commands extends RedisConnection {
  del(keys: string[]): Promise<number>;
  xRange(key: string, start: string, end: string, opts?: { COUNT: number }): Promise<unknown>;
}

export interface RedisEventLogOptions {
  url: string;
  cluster: boolean;
  /** Stream entries kept per session (MAXLEN ~): enough for the last turns a client may resume. */
  maxEvents: number;
  ttlS: number;
  onError: (e: Error) => void;
}

export async function redisEventLog(opts: RedisEventLogOptions): Promise<EventLog> {
  const client = newRedisClient<Commands>(opts.url, opts.cluster, EVENT_LOG_SCRIPTS);
  client.on('error', opts.onError);
  await client.connect();
  const wake = localWakeups();

  return {
    kind: 'redis',
    append: (sessionId, events) =>
      guarded(async () => {
        if (!events.length) return;
        const args = [String(opts.maxEvents), String(opts.ttlS)];
        for (const { id, ev } of events) args.push(id, ev.event, JSON.stringify(ev.data));
        await runScript(client, APPEND, [eventsKey(sessionId)], args);
        wake.notify(sessionId);
      }),
    read: (sessionId, afterId, count) =>
      guarded(async () => {
        const rows = (await client.xRange(eventsKey(sessionId), `(${afterId}`, '+', { COUNT: count })) as Array<{
          id: string;
          message: Record<string, string>;
        }>;
        const out: LoggedEvent[] = [];
        for (const r of rows) {
          let data: unknown;
          try {
            data = JSON.parse(r.message.d ?? '');
          } catch {
            continue;
          }
          const ev = { event: r.message.e, data };
          if (isWireEvent(ev)) out.push({ id: r.id, ev: ev as WireEvent });
        }
        return out;
      }),
    changed: (sessionId, maxMs, signal) => wake.wait(sessionId, maxMs, signal),
    notify: (sessionId) => wake.notify(sessionId),
    forget: (sessionId) => guarded(async () => void (await client.del([eventsKey(sessionId)]))),
    close: async () => {
      wake.close();
      if (client.isOpen) await client.close().catch(() => {});
    },
  };
}
