/**
 * The turn coordinator in process memory, for a gateway without Redis (one replica, lost on
 * restart), with the same semantics as the Redis one (coordinator-redis.ts).
 */
import type { ClaimOutcome, CoordinatorOptions, TurnCoordinator } from './coordinator.js';

export function memoryTurnCoordinator(opts: Partial<CoordinatorOptions> = {}): TurnCoordinator {
  const notify = opts.notify ?? (() => {});
  const seqs = new Map<string, number>();
  const turns = new Map<string, { seq: number; messageId: string; stop: boolean; expiresAt: number }>();
  const stopListeners: Array<(sessionId: string) => void> = [];
  const liveTurn = (id: string) => {
    const t = turns.get(id);
    if (t && t.expiresAt <= Date.now()) turns.delete(id);
    return t && t.expiresAt > Date.now() ? t : undefined;
  };

  return {
    kind: 'memory',
    async claim(sessionId, messageId, leaseMs): Promise<ClaimOutcome> {
      const cur = liveTurn(sessionId);
      if (cur) return { outcome: cur.messageId === messageId ? 'attach' : 'busy', seq: cur.seq };
      const seq = (seqs.get(sessionId) ?? 0) + 1;
      seqs.set(sessionId, seq);
      turns.set(sessionId, { seq, messageId, stop: false, expiresAt: Date.now() + leaseMs });
      return { outcome: 'start', seq };
    },
    async renew(sessionId, seq, leaseMs) {
      const cur = liveTurn(sessionId);
      if (!cur || cur.seq !== seq) return { held: false, stop: false };
      cur.expiresAt = Date.now() + leaseMs;
      return { held: true, stop: cur.stop };
    },
    async end(sessionId, seq) {
      if (turns.get(sessionId)?.seq === seq) turns.delete(sessionId);
      notify(sessionId);
    },
    async giveBack(sessionId, seq) {
      if (turns.get(sessionId)?.seq === seq) turns.delete(sessionId);
      if (seqs.get(sessionId) === seq) {
        if (seq <= 1) seqs.delete(sessionId);
        else seqs.set(sessionId, seq - 1);
      }
      notify(sessionId);
    },
    async running(sessionId) {
      const cur = liveTurn(sessionId);
      return cur ? { seq: cur.seq, messageId: cur.messageId } : null;
    },
    async requestStop(sessionId) {
      const cur = liveTurn(sessionId);
      if (!cur) return false;
      cur.stop = true;
      for (const fn of stopListeners) fn(sessionId);
      return true;
    },
    onStop(fn) {
      stopListeners.push(fn);
    },
    async forget(sessionId) {
      seqs.delete(sessionId);
      turns.delete(sessionId);
    },
    async close() {
      turns.clear();
    },
  };
}
