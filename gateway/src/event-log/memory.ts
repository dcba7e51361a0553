/**
 * The event log in process memory, for running the gateway without Redis (one replica, lost on
 * restart), with the same semantics as the Redis one. Also the in-process wake-ups both use:
 * a follower waits for "this session changed here" or a short poll, whichever comes first, so a
 * turn relayed by this process reaches its followers at once and one relayed elsewhere within
 * the poll interval.
 */
import { AppError } from '@chat/shared';
import { idBefore, type EventLog, type LoggedEvent } from './log.js';

export function localWakeups() {
  const waiting = new Map<string, Set<() => void>>();
  return {
    notify(sessionId: string) {
      const set = waiting.get(sessionId);
      if (!set) return;
      waiting.delete(sessionId);
      for (const fn of set) fn();
    },
    wait(sessionId: string, maxMs: number, signal: AbortSignal): Promise<void> {
      return new Promise((resolve) => {
        if (signal.aborted) return resolve();
        let set = waiting.get(sessionId);
        if (!set) waiting.set(sessionId, (set = new Set()));
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          waiting.get(sessionId)?.delete(done);
          resolve();
        };
        const timer = setTimeout(done, maxMs);
        signal.addEventListener('abort', done, { once: true });
        set.add(done);
      });
    },
    close() {
      for (const set of waiting.values()) for (const fn of set) fn();
      waiting.clear();
    },
  };
}

export function memoryEventLog(opts: { maxEvents: number; ttlS: number }): EventLog {
  const logs = new Map<string, { events: LoggedEvent[]; expiresAt: number }>();
  const wake = localWakeups();
  const liveLog = (id: string) => {
    const l = logs.get(id);
    if (l && l.expiresAt <= Date.now()) logs.delete(id);
    return l && l.expiresAt > Date.now() ? l : undefined;
  };

  return {
    kind: 'memory',
    async append(sessionId, events) {
      const log = liveLog(sessionId) ?? { events: [], expiresAt: 0 };
      for (const { id, ev } of events) {
        const last = log.events.at(-1);
        if (last && !idBefore(last.id, id)) throw new AppError('internal', 'event ids must grow');
        log.events.push({ id, ev });
      }
      if (log.events.length > opts.maxEvents) log.events.splice(0, log.events.length - opts.maxEvents);
      log.expiresAt = Date.now() + opts.ttlS * 1000;
      logs.set(sessionId, log);
      wake.notify(sessionId);
    },
    async read(sessionId, afterId, count) {
      const events = liveLog(sessionId)?.events ?? [];
      return events.filter((e) => idBefore(afterId, e.id)).slice(0, count);
    },
    changed: (sessionId, maxMs, signal) => wake.wait(sessionId, maxMs, signal),
    notify: (sessionId) => wake.notify(sessionId),
    async forget(sessionId) {
      logs.delete(sessionId);
    },
    async close() {
      wake.close();
      logs.clear();
    },
  };
}
