/**
 * What survives a reload, per site key, in sessionStorage: the session id, the last token
 * (so a refresh keeps the same anonymous visitor, who owns the session) and whether the
 * panel was open. sessionStorage can throw (sandboxed frames, storage disabled): then the
 * widget still works, it just forgets on reload.
 */

export interface StoredState {
  sessionId?: string;
  token?: string;
  expiresAt?: number;
  open?: boolean;
}

export class SessionStore {
  readonly key: string;

  constructor(siteKey: string) {
    this.key = `chat-widget:${siteKey}`;
  }

  read(): StoredState {
    try {
      const raw = sessionStorage.getItem(this.key);
      const parsed: unknown = raw ? JSON.parse(raw) : {};
      return typeof parsed === 'object' && parsed !== null ? (parsed as StoredState) : {};
    } catch {
      return {};
    }
  }

  update(patch: Partial<StoredState>): void {
    try {
      const next = { ...this.read(), ...patch };
      for (const k of Object.keys(next) as Array<keyof StoredState>) if (next[k] === undefined) delete next[k];
      sessionStorage.setItem(this.key, JSON.stringify(next));
    } catch {
      // storage unavailable: keep going without persistence
    }
  }
}
