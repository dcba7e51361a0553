/**
 * The leases of the turns this gateway runs, renewed from one shared loop (slotted-loop.ts)
 * instead of one timer per turn. Each turn is renewed every `leaseMs / 3` as before (a little
 * sooner: the period is rounded down to the loop's tick). The renewals of one tick go out in the
 * same event-loop turn, which node-redis sends as one pipelined write.
 * A renewal that finds the turn's `stop` flag stops it here: the path for a stop request whose
 * pub/sub message this process missed.
 */
import type { TurnCoordinator } from './coordinator.js';
import { SlottedLoop } from '../slotted-loop.js';

export interface TurnLeasesOptions {
  coordinator: Pick<TurnCoordinator, 'renew'>;
  leaseMs: number;
  /** A renewal saw a stop request for this session's turn. */
  onStop: (sessionId: string) => void;
}

export class TurnLeases {
  /** Running turns: session id → seq (one at a time per session; the seq tells its turns apart). */
  private readonly loop: SlottedLoop<string, number>;

  constructor(opts: TurnLeasesOptions) {
    const { coordinator, leaseMs, onStop } = opts;
    this.loop = new SlottedLoop(Math.max(100, Math.floor(leaseMs / 3)), (sessionId, seq, slot) => {
      coordinator.renew(sessionId, seq, leaseMs).then(
        // A failed renewal is retried a period later; the lease outlives two missed ones.
        (r) => r.stop && slot.get(sessionId) === seq && onStop(sessionId),
        () => {},
      );
    });
  }

  /** How often each turn's lease is renewed. */
  get periodMs(): number {
    return this.loop.periodMs;
  }

  get size(): number {
    return this.loop.size;
  }

  /** Renew turn `seq` of this session until `release`; the first renewal comes within a period. */
  hold(sessionId: string, seq: number): void {
    this.loop.add(sessionId, seq);
  }

  /** Only this turn's entry: a later turn of the same session may be held too (this one ended first). */
  release(sessionId: string, seq: number): void {
    this.loop.delete(sessionId, seq);
  }
}
