/**
 * `: ping` for every open stream from one shared loop per period (slotted-loop.ts), not one timer
 * per stream: an idle stream costs a map entry rather than a Timeout and its closure. A stream
 * hears its first ping within `periodMs` of joining, then one every `periodMs`.
 */
import type { ServerResponse } from 'node:http';
import { SSE_PING } from '@chat/shared';
import { SlottedLoop } from './slotted-loop.js';

// Written whatever the socket's buffer: a ping is 8 bytes per period, and a stream whose client
// stopped reading must still look alive to the proxies in between.
const ping = (res: ServerResponse) => {
  if (!res.destroyed && !res.writableEnded) res.write(SSE_PING);
};

/** One loop per period (one per app in practice; tests run apps with different periods). */
const loops = new Map<number, SlottedLoop<ServerResponse, true>>();

/** Ping `res` every `periodMs` until `stopHeartbeat`. */
export function startHeartbeat(res: ServerResponse, periodMs: number): void {
  let loop = loops.get(periodMs);
  if (!loop) loops.set(periodMs, (loop = new SlottedLoop(periodMs, ping)));
  loop.add(res, true);
}

export function stopHeartbeat(res: ServerResponse, periodMs: number): void {
  const loop = loops.get(periodMs);
  if (!loop) return;
  loop.delete(res);
  if (loop.size === 0) loops.delete(periodMs);
}

/** Streams being pinged right now. */
export const heartbeatMembers = (): number => [...loops.values()].reduce((n, l) => n + l.size, 0);
