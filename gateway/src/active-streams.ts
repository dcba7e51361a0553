/**
 * The streams one gateway (one Fastify instance) is serving: relays (a turn it runs) and followers
 * (a client reading a session's log). Shutdown waits for them and ends what is left with
 * `shutting_down`; a stop request finds the relay of a session here. One registry per app
 * (plugins/streams.ts), so two gateways in one process never see each other's streams.
 */
import type { ErrorCode } from '@chat/shared';
import { WorkSet } from '@chat/shared/server';

export interface ActiveStream {
  kind: 'relay' | 'follow';
  sessionId: string;
  /** End the stream with an error event (shutdown). */
  fail(code: ErrorCode): void;
  /** Abort the turn (relays only). */
  stop?(): void;
}

export class ActiveStreams extends WorkSet<ActiveStream> {
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
