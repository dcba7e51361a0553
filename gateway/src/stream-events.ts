/**
 * What a stream wrote, told to whoever watches it (the metrics plugin): the relay and the log
 * follower already hold each event as an object when they write it, so nobody re-parses the
 * SSE bytes on the per-token path. Keyed by the raw response, so neither side imports the other.
 */
import type { ServerResponse } from 'node:http';
import type { WireEvent } from '@chat/shared';

const watchers = new WeakMap<ServerResponse, (ev: WireEvent) => void>();

export function watchStreamEvents(res: ServerResponse, fn: (ev: WireEvent) => void): void {
  watchers.set(res, fn);
}

/** Call right after `ev` was written to `res`. */
export function wrote(res: ServerResponse, ev: WireEvent): void {
  watchers.get(res)?.(ev);
}
