/**
 * Periodic work over many members (open streams, running turns) from one timer, spread over the
 * period: members are dealt round-robin into SLOTS groups and each `periodMs / SLOTS` tick visits
 * one group, so every member is visited once per period and a tick does a sixteenth of the work.
 *
 * One timer instead of one per member: a Timeout, its closure and a timer-list node less per open
 * stream (issue #5). Spread instead of all at once: work for 5,000 members in one tick (a ping
 * write or a Redis command each) keeps megabytes of short-lived objects alive through a young-GC,
 * which promotes them; RSS then climbs every period until a full GC (seen with bench arm D).
 */
const SLOTS = 16;

export class SlottedLoop<K, V> {
  private readonly slots = Array.from({ length: SLOTS }, () => new Map<K, V>());
  private dealt = 0;
  private tick = 0;
  private timer: NodeJS.Timeout | undefined;
  /** How often each member is visited: `periodMs` rounded down to a multiple of the tick. */
  readonly periodMs: number;

  constructor(
    periodMs: number,
    private readonly visit: (key: K, value: V, slot: ReadonlyMap<K, V>) => void,
  ) {
    this.periodMs = Math.max(1, Math.floor(periodMs / SLOTS)) * SLOTS;
  }

  get size(): number {
    return this.slots.reduce((n, s) => n + s.size, 0);
  }

  /** Visit `key` every period from now on; the first visit comes within one period. */
  add(key: K, value: V): void {
    this.slots[this.dealt++ % SLOTS]!.set(key, value);
    if (!this.timer) {
      this.timer = setInterval(() => this.visitSlot(), this.periodMs / SLOTS);
      // The members' own sockets and requests keep the process alive, not this timer.
      this.timer.unref();
    }
  }

  /** Stop visiting `key` (only where its value is `value`, when given). */
  delete(key: K, value?: V): void {
    for (const slot of this.slots) if (slot.has(key) && (value === undefined || slot.get(key) === value)) slot.delete(key);
    if (this.timer && this.slots.every((s) => s.size === 0)) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private visitSlot(): void {
    const slot = this.slots[this.tick++ % SLOTS]!;
    for (const [key, value] of slot) this.visit(key, value, slot);
  }
}
