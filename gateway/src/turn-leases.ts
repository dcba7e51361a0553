/**
 * The leases of the turns this process runs, renewed by one loop instead of one timer per turn
 * (issue #5: thousands of open streams per process, each with a closure and a Timeout before).
 *
 * Each turn is renewed every `leaseMs / 3`, as before. The turns are dealt round-robin into
 * SLOTS groups and the loop renews one group per `period / SLOTS` tick: the renewals of a group go
 * out in one tick, which node-redis sends as one pipelined write. Not all turns in one tick on
 * purpose: 5,000 renewals issued at once keep ~18 MB of command objects alive until Redis answers,
 * the scavenger promotes them, and RSS climbs by that much every period until a full GC (measured
 * with bench arm D); a sixteenth of them fits the young generation.
 *
 * A renewal that finds the turn's `stop` flag stops it here: the path for a stop request whose
 * pub/sub message this process missed.
 */
import type { EventLog } from './event-log/log.js';

const SLOTS = 16;

export interface TurnLeasesOptions {
  log: Pick<EventLog, 'renewTurn'>;
  leaseMs: number;
  /** A renewal saw a stop request for this session's turn. */
  onStop: (sessionId: string) => void;
}

export class TurnLeases {
  /** Running turns by session (seq tells a session's turns apart), dealt into slots. */
  private readonly slots = Array.from({ length: SLOTS }, () => new Map<string, number>());
  private dealt = 0;
  private tick = 0;
  private timer: NodeJS.Timeout | undefined;
  /** How often each turn is renewed: never later than `leaseMs / 3`. */
  readonly periodMs: number;

  constructor(private readonly opts: TurnLeasesOptions) {
    this.periodMs = Math.max(SLOTS, Math.floor(Math.max(100, Math.floor(opts.leaseMs / 3)) / SLOTS) * SLOTS);
  }

  get size(): number {
    return this.slots.reduce((n, s) => n + s.size, 0);
  }

  /** Renew turn `seq` of this session until `release`; the first renewal comes within a period. */
  hold(sessionId: string, seq: number): void {
    this.slots[this.dealt++ % SLOTS]!.set(sessionId, seq);
    if (!this.timer) {
      this.timer = setInterval(() => this.renewSlot(), this.periodMs / SLOTS);
      // The turn's own request keeps the process alive; nothing is left to renew after it.
      this.timer.unref();
    }
  }

  release(sessionId: string, seq: number): void {
    // Only this turn's entry: a later turn of the same session may be held too (this one ended first).
    for (const slot of this.slots) if (slot.get(sessionId) === seq) slot.delete(sessionId);
    if (this.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private renewSlot(): void {
    const slot = this.slots[this.tick++ % SLOTS]!;
    const { log, leaseMs, onStop } = this.opts;
    for (const [sessionId, seq] of slot) {
      log.renewTurn(sessionId, seq, leaseMs).then(
        // A failed renewal is retried a period later; the lease outlives two missed ones.
        (r) => r.stop && slot.get(sessionId) === seq && onStop(sessionId),
        () => {},
      );
    }
  }
}
