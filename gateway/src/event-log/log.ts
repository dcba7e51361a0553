/**
 * The per-session event log that makes streams resumable: every event of every turn, kept so a
 * client can resume with `Last-Event-ID` from any gateway process. Which turn runs (claims,
 * leases, stop requests) is the turn coordinator's (turns/coordinator.ts), not the log's.
 *
 * Ids are `<turnSeq>-<n>`: turnSeq comes from one counter per session (the coordinator's), n
 * counts the turn's events from 1 (the `session` event). They are valid Redis Stream ids, so the
 * SSE `id:` is known before Redis answers, and they grow across turns, so `Last-Event-ID` alone
 * says where a client was. `<turnSeq>-0` is never an event: "after `<seq>-0`" means "the whole turn `seq`".
 */
import type { WireEvent } from '@chat/shared';

export interface LoggedEvent {
  id: string;
  ev: WireEvent;
}

export interface EventLog {
  readonly kind: 'redis' | 'memory';
  /** Append events, oldest first, in one command (capped log, session TTL). Callers batch; see TurnRecorder. */
  append(sessionId: string, events: LoggedEvent[]): Promise<void>;
  /** Events strictly after `afterId`, oldest first, at most `count`. */
  read(sessionId: string, afterId: string, count: number): Promise<LoggedEvent[]>;
  /** Resolves when something may have been appended to this session (or after `maxMs`). */
  changed(sessionId: string, maxMs: number, signal: AbortSignal): Promise<void>;
  /** Wake this process's waiters on `changed` (the session's turn ended here, or was given back). */
  notify(sessionId: string): void;
  /** Erase the session's events: a visitor's erasure (the coordinator forgets its turns). */
  forget(sessionId: string): Promise<void>;
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
 * event here. Events are batched: one append (one Redis command) per `flushMs`, or at once when
 * `flushMs` is 0 or the turn's last event comes (`flushed()`). The live client never waits for the
 * log; a resuming client sees the log at most `flushMs` behind. `pending` (buffered + unacknowledged
 * events) lets the relay pause the engine when Redis falls behind, so this queue stays bounded too.
 */
export class TurnRecorder {
  private buffered: LoggedEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private unacked = 0;
  private tail: Promise<void> = Promise.resolve();
  private waiters: Array<{ below: number; resolve: () => void }> = [];
  failures = 0;

  constructor(
    private readonly log: EventLog,
    private readonly sessionId: string,
    private readonly onError: (e: unknown) => void,
    private readonly flushMs = 0,
  ) {}

  get pending(): number {
    return this.unacked + this.buffered.length;
  }

  append(id: string, ev: WireEvent): void {
    this.buffered.push({ id, ev });
    if (this.timer) return;
    if (this.flushMs > 0) this.timer = setTimeout(() => this.flush(), this.flushMs);
    else this.timer = setImmediate(() => this.flush()) as unknown as NodeJS.Timeout;
  }

  /** Resolves once at most `n` events are buffered or unacknowledged. */
  below(n: number): Promise<void> {
    if (this.pending <= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ below: n, resolve }));
  }

  /** Sends what is buffered; resolves when every append so far has been answered (stored or failed). */
  flushed(): Promise<void> {
    this.flush();
    return this.tail;
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      clearImmediate(this.timer as unknown as NodeJS.Immediate);
      this.timer = undefined;
    }
    if (!this.buffered.length) return;
    const batch = this.buffered;
    this.buffered = [];
    this.unacked += batch.length;
    const settle = () => {
      this.unacked -= batch.length;
      this.waiters = this.waiters.filter((w) => (this.pending <= w.below ? (w.resolve(), false) : true));
    };
    // One connection keeps the order of the commands; `tail` is the newest, so it settles last.
    this.tail = this.log.append(this.sessionId, batch).then(settle, (e: unknown) => {
      this.failures++;
      if (this.failures === 1) this.onError(e);
      settle();
    });
  }
}
