/**
 * Write a stream of contract events to a raw response: SSE headers, an `id:` per event, a
 * heartbeat comment while idle, nothing buffered or compressed.
 */
import type { ServerResponse } from 'node:http';
import { SSE_HEADERS, SSE_PING, encodeEvent, type WireEvent } from '@chat/shared';

export interface SseWriter {
  send(ev: WireEvent): void;
  end(): void;
  readonly closed: boolean;
}

export function openSse(res: ServerResponse, opts: { heartbeatMs: number; headers?: Record<string, string> }): SseWriter {
  res.writeHead(200, { ...SSE_HEADERS, ...opts.headers });
  res.flushHeaders();
  let seq = 0;
  let closed = false;
  const beat = setInterval(() => {
    if (!closed) res.write(SSE_PING);
  }, opts.heartbeatMs);
  beat.unref();
  const stop = () => {
    closed = true;
    clearInterval(beat);
  };
  res.once('close', stop);
  return {
    send(ev) {
      if (closed) return;
      res.write(encodeEvent({ ...ev, id: String(++seq) }));
    },
    end() {
      if (closed) return;
      stop();
      res.end();
    },
    get closed() {
      return closed;
    },
  };
}
