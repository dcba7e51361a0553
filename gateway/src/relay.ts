/**
 * The SSE relay: engine stream in, client stream out, event by event and at once.
 * - Every upstream event is checked against the shared contract and re-encoded with the gateway's
 *   own monotonically increasing `id:` (the first event, `session`, is id 1).
 * - Backpressure: when the client's socket buffer is full, upstream reading pauses until it drains,
 *   so a slow client costs one socket buffer, never an unbounded queue.
 * - The client leaving aborts the upstream request (the engine stops the run); the engine leaving
 *   mid-stream becomes an `error` event `stream_interrupted` at once.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { ERRORS, SSE_HEADERS, SSE_PING, createSseParser, encodeEvent, type ErrorCode, type WireEvent } from '@chat/shared';

export interface RelayOptions {
  request: FastifyRequest;
  reply: FastifyReply;
  sessionId: string;
  upstream: Readable;
  /** Aborts the upstream request. */
  abort: () => void;
  heartbeatMs: number;
  /** Called with the terminal event before the client stream ends (record the session's outcome). */
  onTerminal: (ev: WireEvent) => Promise<void>;
}

export interface ActiveStream {
  /** End the stream with an error event (shutdown). */
  fail(code: ErrorCode): void;
}

/** Streams being relayed, so that a shutdown can end them with `shutting_down` instead of cutting them. */
export const activeStreams = new Set<ActiveStream>();

const errorEvent = (code: ErrorCode): WireEvent => ({
  event: 'error',
  data: { code, message: ERRORS[code].message, retryable: ERRORS[code].retryable },
});

/** Write headers + `session`, then relay until a terminal event, an interruption or the client leaving. */
export function relay(opts: RelayOptions): Promise<void> {
  const { request, reply, upstream } = opts;
  const out = reply.raw;
  let nextId = 1;
  let ended = false;

  reply.hijack();
  // hijack() bypasses Fastify's header pipeline: carry over what plugins set (CORS, rate-limit).
  const headers: Record<string, string | string[] | number> = {};
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = v as string | string[] | number;
  out.writeHead(200, { ...headers, ...SSE_HEADERS, 'x-request-id': request.id });
  out.flushHeaders();

  const gone = () => out.destroyed || out.writableEnded;
  const write = (ev: WireEvent): boolean => gone() || out.write(encodeEvent({ ...ev, id: String(nextId++) }));
  write({ event: 'session', data: { sessionId: opts.sessionId } });

  return new Promise<void>((resolve) => {
    const heartbeat = setInterval(() => gone() || out.write(SSE_PING), opts.heartbeatMs);
    const self: ActiveStream = { fail: (code) => void finish(errorEvent(code), true) };
    activeStreams.add(self);

    const cleanup = () => {
      ended = true;
      clearInterval(heartbeat);
      activeStreams.delete(self);
      upstream.removeAllListeners('data');
      resolve();
    };

    /** Write the last event and end. `abortUpstream` when the engine may still be running. */
    async function finish(ev: WireEvent, abortUpstream: boolean) {
      if (ended) return;
      ended = true;
      if (abortUpstream) opts.abort();
      upstream.resume(); // never leave a paused upstream holding its socket
      write(ev);
      try {
        await opts.onTerminal(ev);
      } catch (e) {
        request.log.error({ err: e }, 'could not record the turn outcome');
      }
      if (!gone()) out.end();
      cleanup();
    }

    const parser = createSseParser({
      onEvent(ev) {
        if (ended) return;
        if (ev.event === 'session') return; // the session event is ours to send
        if (ev.event === 'done' || ev.event === 'error') {
          void finish(ev, false);
          return;
        }
        if (!write(ev)) {
          upstream.pause();
          out.once('drain', () => upstream.resume());
        }
      },
      onInvalid(problem) {
        request.log.warn({ problem }, 'dropped an engine event that does not match the contract');
      },
    });
    const decoder = new TextDecoder();
    upstream.on('data', (chunk: Buffer) => parser.feed(decoder.decode(chunk, { stream: true })));
    upstream.on('end', () => {
      parser.feed(decoder.decode());
      // The engine ended without done/error: it died between events or broke the contract.
      if (!ended) void finish(errorEvent('stream_interrupted'), false);
    });
    upstream.on('error', (e) => {
      if (ended) return;
      request.log.warn({ err: e }, 'engine stream broke');
      void finish(errorEvent('stream_interrupted'), false);
    });

    // The client left: stop the engine's run; nothing more to write.
    out.on('close', () => {
      if (ended) return;
      request.log.info('client disconnected mid-stream: aborting the engine run');
      opts.abort();
      upstream.destroy();
      cleanup();
    });
  });
}
