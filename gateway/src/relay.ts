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
import { SSE_HEADERS, createSseParser, encodeEvent, errorEvent, type ErrorCode, type WireEvent } from '@chat/shared';
import { eventId, type TurnRecorder } from './event-log/log.js';
import type { ActiveStream, ActiveStreams } from './active-streams.js';
import { wrote } from './stream-events.js';
import type { Heartbeats } from './heartbeats.js';

type SseParser = ReturnType<typeof createSseParser>;

export interface RelayOptions {
  request: FastifyRequest;
  reply: FastifyReply;
  sessionId: string;
  upstream: Readable;
  /** Aborts the upstream request. */
  abort: () => void;
  /** This gateway's open streams (the relay is one until it ends) and their heartbeat. */
  streams: ActiveStreams;
  heartbeats: Heartbeats;
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
  return new Promise<void>((resolve) => new Relay(opts, resolve));
}

/** Is a chunk nothing but whole comment lines (`: ping`) and blank lines? Then it cannot make an event. */
function commentsOnly(chunk: Buffer): boolean {
  if (chunk.length === 0 || chunk[chunk.length - 1] !== 0x0a) return false;
  // Line starts only; ends because the last byte is an LF.
  for (let i = 0; i < chunk.length; i = chunk.indexOf(0x0a, i) + 1) if (chunk[i] !== 0x3a && chunk[i] !== 0x0a) return false;
  return !chunk.includes(0x0d); // a lone CR also ends a line: leave those to the parser
}

/**
 * One relayed stream. A class rather than closures on purpose: an idle stream is held for minutes
 * by the thousand (issue #5), and each named closure costs a function, a context slot and, under
 * tsx (esbuild keepNames), a 250-byte property dictionary for its `name`; methods live once on
 * the prototype. The SSE parser and its decoder wait for the first upstream bytes that are not
 * comments, so a stream that only ever hears the engine's heartbeats never builds them.
 */
class Relay implements ActiveStream {
  readonly kind = 'relay';
  readonly sessionId: string;
  private readonly out: FastifyReply['raw'];
  private n = 0;
  private ended = false;
  private paused = 0;
  private parser: SseParser | undefined;
  private decoder: InstanceType<typeof TextDecoder> | undefined;

  constructor(
    private readonly opts: RelayOptions,
    private readonly resolve: () => void,
  ) {
    const { request, reply, upstream, turn } = opts;
    this.sessionId = opts.sessionId;
    this.out = reply.raw;
    openStream(request, reply);
    this.emit({ event: 'session', data: { sessionId: opts.sessionId } });
    opts.heartbeats.start(this.out);
    opts.streams.add(this);

    upstream.on('data', (chunk: Buffer) => this.data(chunk));
    upstream.on('end', () => {
      this.parser?.feed(this.decoder!.decode());
      // The engine ended without done/error: it died between events or broke the contract.
      if (!this.ended) void this.finish(errorEvent('stream_interrupted'), false);
    });
    upstream.on('error', (e) => {
      if (this.ended) return;
      request.log.warn({ err: e }, 'engine stream broke');
      void this.finish(errorEvent('stream_interrupted'), false);
    });

    this.out.on('close', () => {
      if (this.ended) return;
      if (!turn) {
        // Nowhere to keep the reply: stop the engine's run.
        request.log.info('client disconnected mid-stream: aborting the engine run');
        this.ended = true;
        opts.heartbeats.stop(this.out);
        opts.abort();
        upstream.destroy();
        opts.streams.delete(this);
        resolve();
        return;
      }
      // The turn goes on into the log; the visitor picks the reply up with Last-Event-ID.
      request.log.info('client disconnected mid-stream: the turn continues into the event log');
    });
  }

  fail(code: ErrorCode): void {
    void this.finish(errorEvent(code), true);
  }

  stop(): void {
    void this.finish(errorEvent('turn_stopped'), true);
  }

  private gone(): boolean {
    return this.out.destroyed || this.out.writableEnded;
  }

  private nextId(): string {
    const { turn } = this.opts;
    return turn ? eventId(turn.seq, ++this.n) : String(++this.n);
  }

  /** Write to the client (when still there) and to the log; false when the client's buffer is full. */
  private emit(ev: WireEvent): boolean {
    const id = this.nextId();
    let ok = true;
    if (!this.gone()) {
      ok = this.out.write(encodeEvent({ ...ev, id }));
      wrote(this.out, ev);
    }
    this.opts.turn?.recorder.append(id, ev);
    return ok;
  }

  private data(chunk: Buffer): void {
    if (!this.parser) {
      if (commentsOnly(chunk)) return;
      const self = this;
      this.decoder = new TextDecoder();
      this.parser = createSseParser({
        onEvent(ev) {
          self.event(ev);
        },
        onInvalid(problem) {
          self.opts.request.log.warn({ problem }, 'dropped an engine event that does not match the contract');
        },
      });
    }
    this.parser.feed(this.decoder!.decode(chunk, { stream: true }));
  }

  private event(ev: WireEvent): void {
    if (this.ended) return;
    if (ev.event === 'session') return; // the session event is ours to send
    if (ev.event === 'done' || ev.event === 'error') {
      void this.finish(ev, false);
      return;
    }
    const { turn } = this.opts;
    if (!this.emit(ev) && !this.gone()) this.pause(this.clientDrained());
    if (turn && turn.recorder.pending > turn.maxPending) this.pause(turn.recorder.below(turn.maxPending >> 1));
  }

  private pause(until: Promise<void>): void {
    this.paused++;
    this.opts.upstream.pause();
    void until.then(() => {
      if (--this.paused === 0 && !this.ended) this.opts.upstream.resume();
    });
  }

  private clientDrained(): Promise<void> {
    const { out } = this;
    return new Promise<void>((r) => {
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        r();
      };
      out.on('drain', done);
      out.on('close', done);
    });
  }

  /** Write the last event and end. `abortUpstream` when the engine may still be running. */
  private async finish(ev: WireEvent, abortUpstream: boolean): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    const { opts, out } = this;
    const { request, upstream, turn } = opts;
    opts.heartbeats.stop(out);
    if (abortUpstream) opts.abort();
    upstream.removeAllListeners('data');
    upstream.resume(); // never leave a paused upstream holding its socket
    // Bookkeeping first, the client last: once a client hears `done` its next message must not
    // meet this turn's marker (a 409), and a follower that sees no running turn must find the
    // whole turn, terminal event included, in the log.
    const id = this.nextId();
    turn?.recorder.append(id, ev);
    try {
      await opts.onTerminal(ev);
    } catch (e) {
      request.log.error({ err: e }, 'could not record the turn outcome');
    }
    await turn?.recorder.flushed();
    await opts.endTurn?.().catch((e: unknown) => request.log.warn({ err: e }, 'could not clear the running-turn marker'));
    if (!this.gone()) {
      out.write(encodeEvent({ ...ev, id }));
      wrote(out, ev);
      out.end();
    }
    opts.streams.delete(this);
    this.resolve();
  }
}
