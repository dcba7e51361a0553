/** A message for the next view (e.g. "Lead erased." shown by the list the detail view returns to). */
let pending: string | null = null;

export const flash = {
  set(message: string): void {
    pending = message;
  },
  take(): string | null {
    const m = pending;
    pending = null;
    return m;
  },
};
