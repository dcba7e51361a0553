/**
 * A stream served from a session's event log rather than from the engine: the events after a
 * given id, then the running turn live, until that turn's terminal event. Used by
 * `GET /v1/sessions/:id/stream` (a client resuming with Last-Event-ID) and by `POST /v1/chat`
 * when the same message id is already running (the second request attaches to the first).
 * Everything it needs is in the log, so it works from any gateway process.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { encodeEvent, type ErrorCode, type WireEvent } from '@chat/shared';
import type { ActiveStream, ActiveStreams } from './active-streams.js';
import { parseEventId, type EventLog } from './event-log/log.js';
import { errorEvent } from '@chat/shared';
import { openStream } from './relay.js';
import { wrote } from './stream-events.js';
import type { Heartbeats } from './heartbeats.js';
import type { TurnCoordinator } from './turns/coordinator.js';

export interface FollowOptions {
  request: FastifyRequest;
  reply: FastifyReply;
  sessionId: string;
  log: Pick<EventLog, 'read' | 'changed'>;
  /** Where the running turn is known (the log holds only events). */
  coordinator: Pick<TurnCoordinator, 'running'>;
  /** Serve events strictly after this id. */
  afterId: string;
  /** This gateway's open streams (the follower is one until it ends) and their heartbeat. */
  streams: ActiveStreams;
  heartbeats: Heartbeats;
  /** Longest wait between two looks at the log when nothing was signalled in this process. */
  pollMs: number;
  /** Events read per XRANGE, and so the most held in memory for one follower. */
  batch: number;
}

export async function follow(opts: FollowOptions): Promise<void> {
  const { request, reply, log, coordinator, sessionId, streams, heartbeats } = opts;
  const out = reply.raw;
  openStream(request, reply);
  const ac = new AbortController();
  let failure: ErrorCode | undefined;
  // A method, not an arrow property: under tsx (esbuild keepNames) a named arrow carries its own
  // `name` dictionary, ~250 bytes per follower held open.
  const self: ActiveStream = {
    kind: 'follow',
    sessionId,
    fail(code) {
      failure = code;
      ac.abort();
    },
  };
  streams.add(self);
  out.on('close', () => ac.abort());
  heartbeats.start(out);
  const write = async (ev: WireEvent, id: string) => {
    const ok = out.write(encodeEvent({ ...ev, id }));
    wrote(out, ev);
    if (ok || out.destroyed) return;
    // A slow client holds one batch at most: wait for its socket before reading more.
    await new Promise<void>((r) => {
      const done = () => (out.off('drain', done), out.off('close', done), r());
      out.on('drain', done);
      out.on('close', done);
    });
  };

  let after = opts.afterId;
  /** Highest turn whose terminal event was served, and the turn of the last event served. */
  let terminalSeq = -1;
  let lastSeq = parseEventId(after)?.[0] ?? 0;
  let servedOpen = false;
  try {
    for (;;) {
      if (ac.signal.aborted) break;
      const events = await log.read(sessionId, after, opts.batch);
      for (const { id, ev } of events) {
        if (ac.signal.aborted) break;
        await write(ev, id);
        after = id;
        lastSeq = parseEventId(id)?.[0] ?? lastSeq;
        if (ev.event === 'done' || ev.event === 'error') {
          terminalSeq = lastSeq;
          servedOpen = false;
        } else servedOpen = true;
      }
      if (events.length === opts.batch) continue; // more behind: keep reading
      const running = await coordinator.running(sessionId);
      if (running && running.seq > terminalSeq) {
        await log.changed(sessionId, opts.pollMs, ac.signal);
        continue;
      }
      // No turn running: whatever was appended before its marker went is read now, then the end.
      const rest = await log.read(sessionId, after, opts.batch);
      if (rest.length) continue;
      // The turn we were following vanished without its last event (its relay died): say so.
      if (servedOpen && lastSeq > terminalSeq) failure = 'stream_interrupted';
      break;
    }
  } catch (e) {
    request.log.warn({ err: e }, 'event log read failed');
    failure = 'state_unavailable';
  } finally {
    heartbeats.stop(out);
    if (failure && !out.destroyed) {
      const ev = errorEvent(failure);
      out.write(encodeEvent(ev));
      wrote(out, ev);
    }
    if (!out.writableEnded) out.end();
    streams.delete(self);
  }
}
