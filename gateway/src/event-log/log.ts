/**
 * The per-session event log that makes streams resumable, and the running-turn marker that makes
 * a turn findable from any gateway process (attach a duplicate request, stop it, follow it).
 *
 * Ids are `<turnSeq>-<n>`: turnSeq comes from one counter per session, n counts the turn's events
 * from 1 (the `session` event). They are valid Redis Stream ids, so the SSE `id:` is known before
 * Redis answers, and they grow across turns, so `Last-Event-ID` alone says where a client was.
 * `<turnSeq>-0` is never an event: "after `<seq>-0`" means "the whole turn `seq`".
 */
import type { WireEvent } from '@chat/shared';

export interface LoggedEvent {
  id: string;
  ev: WireEvent;
}

export type ClaimOutcome =
  /** No turn was running: this request runs turn `seq`. */
  | { outcome: 'start'; seq: number }
  /** The same message id is running as turn `seq`: answer from its events. */
  | { outcome: 'attach'; seq: number }
  /** Another message is running. */
  | { outcome: 'busy'; seq: number };

export interface RunningTurn {
  seq: number;
  messageId: string;
}

export interface EventLog {
  readonly kind: 'redis' | 'memory';
  /** Atomically: start a turn (next seq, marker with a lease) unless one is running. */
  claimTurn(sessionId: string, messageId: string, leaseMs: number): Promise<ClaimOutcome>;
  /** Extend the marker's lease; `stop` when someone asked to stop this turn. */
  renewTurn(sessionId: string, seq: number, leaseMs: number): Promise<{ held: boolean; stop: boolean }>;
  /** Remove the marker if it is still this turn's. */
  endTurn(sessionId: string, seq: number): Promise<void>;
  running(sessionId: string): Promise<RunningTurn | null>;
  /** Append one event (capped log, session TTL). Callers do not wait per event; see TurnRecorder. */
  append(sessionId: string, id: string, ev: WireEvent): Promise<void>;
  /** Events strictly after `afterId`, oldest first, at most `count`. */
  read(sessionId: string, afterId: string, count: number): Promise<LoggedEvent[]>;
  /** Resolves when something may have been appended to this session (or after `maxMs`). */
  changed(sessionId: string, maxMs: number, signal: AbortSignal): Promise<void>;
  /** Flag the running turn for stopping and tell every gateway process; false when none runs. */
  requestStop(sessionId: string): Promise<boolean>;
  /** Called with a session id whenever any process asks to stop its turn. */
  onStop(fn: (sessionId: string) => void): void;
  close(): Promise<void>;
}

export const EVENT_ID = /^(\d{1,15})-(\d{1,15})$/;

export const eventId = (seq: number, n: number) => `${seq}-${n}`;

export function parseEventId(id: string): [number, number] | null {
  const m = EVENT_ID.exec(id);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** a < b, as Redis orders stream ids. */
export function idBefore(a: string, b: string): boolean {
  const [as, an] = parseEventId(a) ?? [0, 0];
  const [bs, bn] = parseEventId(b) ?? [0, 0];
  return as < bs || (as === bs && an < bn);
}

/**
 * Ordered, non-blocking appends for one turn: the relay writes to the client first and hands the
 * event here; node-redis pipelines the commands, one connection keeps their order. `pending`
 * lets the relay pause the engine when Redis falls behind, so this queue stays bounded too.
 */
export class TurnRecorder {
  private inFlight = 0;
  private tail: Promise<void> = Promise.resolve();
  private waiters: Array<{ below: number; resolve: () => void }> = [];
  failures = 0;

  constructor(
    private readonly log: EventLog,
    private readonly sessionId: string,
    private readonly onError: (e: unknown) => void,
  ) {}

  get pending(): number {
    return this.inFlight;
  }

  append(id: string, ev: WireEvent): void {
    this.inFlight++;
    const p = this.log.append(this.sessionId, id, ev).then(
      () => this.settle(),
      (e: unknown) => {
        this.failures++;
        if (this.failures === 1) this.onError(e);
        this.settle();
      },
    );
    this.tail = p;
  }

  /** Resolves once at most `n` appends are unacknowledged. */
  below(n: number): Promise<void> {
    if (this.inFlight <= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ below: n, resolve }));
  }

  /** Resolves when every append so far has been answered (stored or failed). */
  flushed(): Promise<void> {
    return this.tail;
  }

  private settle() {
    this.inFlight--;
    this.waiters = this.waiters.filter((w) => (this.inFlight <= w.below ? (w.resolve(), false) : true));
  }
}
