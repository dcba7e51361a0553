/**
 * `: ping` for every open stream from one timer per period, not one timer per stream: an idle
 * stream then costs a Set entry rather than a Timeout, its closure and a timer-list node, and the
 * pings of N streams go out in one pass instead of N wake-ups (issue #5: thousands of idle streams
 * per process). A member hears a ping at most `periodMs` after joining and then every `periodMs`;
 * the first may come sooner, which a keep-alive comment allows.
 */
import type { ServerResponse } from 'node:http';
import { SSE_PING } from '@chat/shared';

class Heartbeat {
  readonly members = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly periodMs: number) {}

  join(res: ServerResponse): void {
    this.members.add(res);
    if (!this.timer) {
      this.timer = setInterval(() => this.beat(), this.periodMs);
      // The streams' sockets keep the process alive; a forgotten member must not.
      this.timer.unref();
    }
  }

  leave(res: ServerResponse): void {
    if (this.members.delete(res) && this.members.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private beat(): void {
    // Written whatever the socket's buffer: a ping is 8 bytes per period, and a stream whose
    // client stopped reading must still look alive to the proxies in between.
    for (const res of this.members) if (!res.destroyed && !res.writableEnded) res.write(SSE_PING);
  }
}

/** One group per period (one per app in practice; tests run apps with different periods). */
const groups = new Map<number, Heartbeat>();

/** Ping `res` every `periodMs` until `stopHeartbeat`. */
export function startHeartbeat(res: ServerResponse, periodMs: number): void {
  let group = groups.get(periodMs);
  if (!group) groups.set(periodMs, (group = new Heartbeat(periodMs)));
  group.join(res);
}

export function stopHeartbeat(res: ServerResponse, periodMs: number): void {
  const group = groups.get(periodMs);
  if (!group) return;
  group.leave(res);
  if (group.members.size === 0) groups.delete(periodMs);
}

/** Streams pinged right now (tests, metrics). */
export const heartbeatMembers = (): number => [...groups.values()].reduce((n, g) => n + g.members.size, 0);
