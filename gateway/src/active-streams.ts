/**
 * The streams this process is serving: relays (a turn it runs) and followers (a client reading a
 * session's log). Shutdown waits for them and ends what is left with `shutting_down`; a stop
 * request finds the relay of a session here.
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

export const activeStreams = new WorkSet<ActiveStream>();
