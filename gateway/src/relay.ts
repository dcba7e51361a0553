/**
 * The SSE relay: engine stream in, client stream out, event by event and at once.
 * - Every upstream event is checked against the shared contract and re-encoded with the gateway's
 *   own `id:` (`<turnSeq>-<n>` with a recorder, see event-log/log.ts; plain 1, 2, ... without).
 * - Each event goes to the client first, then to the session's event log (not awaited per event),
 *   so a client that lost the connection can resume from its `Last-Event-ID`.
 * - Backpressure: when the client's socket buffer is full, or the log falls `maxPending` appends
 *   behind, upstream reading pauses until it drains: a slow client or a slow Redis costs bounded
 *   memory, never an unbounded queue.
 * - The client leaving does NOT abort the turn: the relay reads the engine to the end and logs
 *   every event, so the visitor gets the reply on reconnect. `stop()` (POST .../stop) aborts it.
 * - The engine leaving mid-stream becomes an `error` event `stream_interrupted` at once.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { SSE_HEADERS, SSE_PING, createSseParser, encodeEvent, errorEvent, type WireEvent } from '@chat/shared';
import { eventId, type TurnRecorder } from './event-log/log.js';
import { activeStreams, type ActiveStream } from './active-streams.js';
import { wrote } from './stream-events.js';

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
  /** The turn's number and log; without it ids are 1, 2, ... and nothing is logged. */
  turn?: { seq: number; recorder: TurnRecorder; maxPending: number };
  /** Clears the running-turn marker; called before the client hears the terminal event. */
  endTurn?: () => Promise<void>;
}

/** The response headers of a stream: what plugins set (CORS, rate-limit) plus SSE's. */
export function openStream(request: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  // hijack() bypasses Fastify's header pipeline: carry over what plugins set.
  const headers: Record<string, string | string[] | number> = {};
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = v as string | string[] | number;
  reply.raw.writeHead(200, { ...headers, ...SSE_HEADERS, 'x-request-id': request.id });
  reply.raw.flushHeaders();
}

/** Write headers + `session`, then relay until a terminal event, an interruption or a stop. */
export function relay(opts: RelayOptions): Promise<void> {
  const { request, reply, upstream, turn } = opts;
  const out = reply.raw;
  let n = 0;
  let ended = false;

  openStream(request, reply);
  const gone = () => out.destroyed || out.writableEnded;
  /** Write to the client (when still there) and to the log; false when the client's buffer is full. */
  const nextId = () => (turn ? eventId(turn.seq, ++n) : String(++n));
  const emit = (ev: WireEvent): boolean => {
    const id = nextId();
    let ok = true;
    if (!gone()) {
      ok = out.write(encodeEvent({ ...ev, id }));
      wrote(out, ev);
    }
    turn?.recorder.append(id, ev);
    return ok;
  };
  emit({ event: 'session', data: { sessionId: opts.sessionId } });

  return new Promise<void>((resolve) => {
    const heartbeat = setInterval(() => gone() || out.write(SSE_PING), opts.heartbeatMs);
    const self: ActiveStream = {
      kind: 'relay',
      sessionId: opts.sessionId,
      fail: (code) => void finish(errorEvent(code), true),
      stop: () => void finish(errorEvent('turn_stopped'), true),
    };
    activeStreams.add(self);

    /** Write the last event and end. `abortUpstream` when the engine may still be running. */
    async function finish(ev: WireEvent, abortUpstream: boolean) {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      if (abortUpstream) opts.abort();
      upstream.removeAllListeners('data');
      upstream.resume(); // never leave a paused upstream holding its socket
      // Bookkeeping first, the client last: once a client hears `done` its next message must not
      // meet this turn's marker (a 409), and a follower that sees no running turn must find the
      // whole turn, terminal event included, in the log.
      const id = nextId();
      turn?.recorder.append(id, ev);
      try {
        await opts.onTerminal(ev);
      } catch (e) {
        request.log.error({ err: e }, 'could not record the turn outcome');
      }
      await turn?.recorder.flushed();
      await opts.endTurn?.().catch((e: unknown) => request.log.warn({ err: e }, 'could not clear the running-turn marker'));
      if (!gone()) {
        out.write(encodeEvent({ ...ev, id }));
        wrote(out, ev);
        out.end();
      }
      activeStreams.delete(self);
      resolve();
    }

    let paused = 0;
    const pause = (until: Promise<void>) => {
      paused++;
      upstream.pause();
      void until.then(() => {
        if (--paused === 0 && !ended) upstream.resume();
      });
    };
    const clientDrained = () =>
      new Promise<void>((r) => {
        const done = () => {
          out.off('drain', done);
          out.off('close', done);
          r();
        };
        out.on('drain', done);
        out.on('close', done);
      });

    const parser = createSseParser({
      onEvent(ev) {
        if (ended) return;
        if (ev.event === 'session') return; // the session event is ours to send
        if (ev.event === 'done' || ev.event === 'error') {
          void finish(ev, false);
          return;
        }
        if (!emit(ev) && !gone()) pause(clientDrained());
        if (turn && turn.recorder.pending > turn.maxPending) pause(turn.recorder.below(turn.maxPending >> 1));
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

    out.on('close', () => {
      if (ended) return;
      if (!turn) {
        // Nowhere to keep the reply: stop the engine's run.
        request.log.info('client disconnected mid-stream: aborting the engine run');
        ended = true;
        clearInterval(heartbeat);
        opts.abort();
        upstream.destroy();
        activeStreams.delete(self);
        resolve();
        return;
      }
      // The turn goes on into the log; the visitor picks the reply up with Last-Event-ID.
      request.log.info('client disconnected mid-stream: the turn continues into the event log');
    });
  });
}
