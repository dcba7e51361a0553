/**
 * The turn coordinator: which turn of a session runs, known to every gateway process. A turn is
 * claimed (next seq of the session, a running-turn marker with a lease), its lease renewed while
 * it runs (turns/leases.ts), and ended; a request refused after its claim gives the claim back. A
 * stop request flags the running turn and tells every process, so whichever relays it stops it.
 *
 * Two implementations with the same semantics: Redis (coordinator-redis.ts; replicas) and
 * process memory (coordinator-memory.ts; one gateway without Redis). The events of the turns are
 * the event log's (event-log/log.ts); `notify` tells that log's followers in this process when
 * a turn ended here, so they need not wait for their next poll.
 */

export type ClaimOutcome =
  /** No turn was running: this request runs turn `seq`. */
  | { outcome: 'start'; seq: number }
  /** The same message id is running as turn `seq`: answer from its events. */
  | { outcome: 'attach'; seq: number }
  /** Another message is running. */
  | { outcome: 'busy'; seq: number }
  /** The session is not this owner's (or does not exist): nothing was claimed. */
  | { outcome: 'foreign'; seq: number };

/** Whose session a claim is for: checked in the same atomic step where the store can. */
export interface ClaimOwner {
  tenantId: string;
  sub: string;
  /** The session's site ('' for a console preview's session). */
  siteId: string;
  issuer: 'platform' | 'customer';
}

export interface RunningTurn {
  seq: number;
  messageId: string;
}

export interface TurnCoordinator {
  readonly kind: 'redis' | 'memory';
  /**
   * Atomically: start a turn (next seq, marker with a lease) unless one is running. With `owner`,
   * the Redis coordinator first checks the session record belongs to it (`foreign` otherwise,
   * nothing written), so a claim can run beside the ownership read; the memory one leaves that to the read.
   */
  claim(sessionId: string, messageId: string, leaseMs: number, owner?: ClaimOwner): Promise<ClaimOutcome>;
  /** Extend the marker's lease; `stop` when someone asked to stop this turn. */
  renew(sessionId: string, seq: number, leaseMs: number): Promise<{ held: boolean; stop: boolean }>;
  /** Remove the marker if it is still this turn's. */
  end(sessionId: string, seq: number): Promise<void>;
  /** Undo a claim whose request was refused: remove the marker and hand the seq back (if still the last). */
  giveBack(sessionId: string, seq: number): Promise<void>;
  running(sessionId: string): Promise<RunningTurn | null>;
  /** Flag the running turn for stopping and tell every gateway process; false when none runs. */
  requestStop(sessionId: string): Promise<boolean>;
  /** Called with a session id whenever any process asks to stop its turn. */
  onStop(fn: (sessionId: string) => void): void;
  /** Erase the session's turn counter and marker: a visitor's erasure. */
  forget(sessionId: string): Promise<void>;
  close(): Promise<void>;
}

export interface CoordinatorOptions {
  /** The session counter's TTL (the session's). */
  ttlS: number;
  /** A turn ended or was given back in this process: wake the session's followers here. */
  notify?: (sessionId: string) => void;
}
