/**
 * `: ping` for every open stream of one gateway from one shared loop (slotted-loop.ts), not one
 * timer per stream: an idle stream costs a map entry rather than a Timeout and its closure. A
 * stream hears its first ping within `periodMs` of joining, then one every `periodMs`. One per
 * app (plugins/streams.ts), with that app's period.
 */
import type { ServerResponse } from 'node:http';
import { SSE_PING } from '@chat/shared';
import { SlottedLoop } from './slotted-loop.js';

// Written whatever the socket's buffer: a ping is 8 bytes per period, and a stream whose client
// stopped reading must still look alive to the proxies in between.
const ping = (res: ServerResponse) => {
  if (!res.destroyed && !res.writableEnded) res.write(SSE_PING);
};

export class Heartbeats {
  private readonly loop: SlottedLoop<ServerResponse, true>;

  constructor(periodMs: number) {
    this.loop = new SlottedLoop(periodMs, ping);
  }

  /** Ping `res` every period until `stop`. */
  start(res: ServerResponse): void {
    this.loop.add(res, true);
  }

  stop(res: ServerResponse): void {
    this.loop.delete(res);
  }

  /** Streams being pinged right now. */
  get size(): number {
    return this.loop.size;
  }
}
