/**
 * The streams one gateway (one Fastify instance) is serving: relays (a turn it runs) and followers
 * (a client reading a session's log). Shutdown waits for them and ends what is left with
 * `shutting_down`; a stop request finds the relay of a session here. One registry per app
 * (plugins/streams.ts), so two gateways in one process never see each other's streams.
 */
import type { ErrorCode } from '@chat/shared';

export interface ActiveStream {
  kind: 'relay' | 'follow';
  sessionId: string;
  /** End the stream with an error event (shutdown). */
  fail(code: ErrorCode): void;
  /** Abort the turn (relays only). */
  stop?(): void;
}

export class ActiveStreams extends Set<ActiveStream> {
  private idle: Array<() => void> = [];

  override delete(s: ActiveStream): boolean {
    const had = super.delete(s);
    if (this.size === 0) for (const fn of this.idle.splice(0)) fn();
    return had;
  }

  /** Resolves when no stream is open (at once when none is). */
  whenEmpty(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  /** End every open stream with an error event (`shutting_down`). */
  failAll(code: ErrorCode): void {
    for (const s of [...this]) s.fail(code);
  }

  /** Stop this gateway's relay of a session's turn; true when there was one. */
  stopRelay(sessionId: string): boolean {
    let found = false;
    for (const s of [...this]) {
      if (s.kind === 'relay' && s.sessionId === sessionId && s.stop) {
        s.stop();
        found = true;
      }
    }
    return found;
  }
}
