/**
 * Keeps a valid visitor token: fetched from `POST /v1/token`, or from the page's `getToken`
 * (identity verification), refreshed at about 80% of its lifetime, and on demand after a 401.
 * A refresh presents the previous token so the gateway keeps the same visitor id: the
 * session belongs to that id, so a new one would lose the conversation.
 */
import type { TokenResponse } from '@chat/shared';
import type { GatewayLimits } from './client.js';
import type { SessionStore } from './session-store.js';
import { WidgetError, httpError, toWidgetError } from './widget-error.js';

export const TOKEN_CONFIG = {
  /** Refresh once this share of the lifetime has passed, well before it expires. */
  refreshRatio: 0.8,
  /** Assumed lifetime of a token whose expiry cannot be read. */
  fallbackLifetimeMs: 60_000,
};

interface Held {
  token: string;
  refreshAt: number;
  expiresAt: number;
}

export interface TokenKeeperOptions {
  api: string;
  siteKey: string;
  store: SessionStore;
  getToken?: (() => Promise<string>) | undefined;
  /** Called with the limits a `POST /v1/token` answer states (a `getToken` token states none). */
  onLimits?: ((limits: GatewayLimits) => void) | undefined;
}

/** `exp`/`iat` from a JWT's payload, without trusting it for anything but timing. */
function jwtTimes(token: string): { exp?: number; iat?: number } {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(
      payload
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(payload.length / 4) * 4, '='),
    );
    const claims = JSON.parse(json) as { exp?: unknown; iat?: unknown };
    return {
      ...(typeof claims.exp === 'number' ? { exp: claims.exp } : {}),
      ...(typeof claims.iat === 'number' ? { iat: claims.iat } : {}),
    };
  } catch {
    return {};
  }
}

/** expiresAt may come as epoch seconds, epoch milliseconds or an ISO date. */
export function toEpochMs(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v < 1e12 ? v * 1000 : v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

/**
 * The lifetime comes from the token's own iat/exp when present, measured from the moment we
 * received it, so a skewed visitor clock does not make us refresh too late.
 */
function hold(token: string, expiresAtHint: number | undefined, receivedAt = Date.now()): Held {
  const { exp, iat } = jwtTimes(token);
  const lifetime =
    exp !== undefined && iat !== undefined && exp > iat
      ? (exp - iat) * 1000
      : Math.max(0, (expiresAtHint ?? (exp !== undefined ? exp * 1000 : receivedAt + TOKEN_CONFIG.fallbackLifetimeMs)) - receivedAt);
  return { token, refreshAt: receivedAt + lifetime * TOKEN_CONFIG.refreshRatio, expiresAt: receivedAt + lifetime };
}

/**
 * The gateway withdraws its CORS grant from a refused token request (unknown site key, foreign
 * origin), so the page sees only a failed fetch. If the gateway does answer an opaque probe, the
 * failure was that refusal, not the network: a misconfiguration, not worth retrying.
 */
async function refusedByCors(api: string): Promise<boolean> {
  try {
    await fetch(`${api}/healthz`, { mode: 'no-cors', credentials: 'omit', cache: 'no-store' });
    return true;
  } catch {
    return false;
  }
}

function misconfigured(): WidgetError {
  console.warn('[chat-widget] the gateway refused a token: is the site key right, and is this origin among its allowed origins?');
  return new WidgetError('origin_not_allowed', 'Token refused for this origin or site key.');
}

export class TokenKeeper {
  private held: Held | undefined;
  private inflight: Promise<string> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastUsed = 0;

  constructor(private readonly opts: TokenKeeperOptions) {
    const saved = opts.store.read();
    // A saved token may be stale; it is kept only to be presented on refresh.
    if (!opts.getToken && saved.token) this.held = { token: saved.token, refreshAt: 0, expiresAt: saved.expiresAt ?? 0 };
  }

  /** A token good for the next request. */
  async get(): Promise<string> {
    this.lastUsed = Date.now();
    if (this.held && Date.now() < this.held.refreshAt) return this.held.token;
    return this.refresh();
  }

  /** After a 401 with `token`: never hand it out again. */
  invalidate(token: string): void {
    if (this.held?.token === token) this.held.refreshAt = 0;
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  private refresh(): Promise<string> {
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetchToken(): Promise<string> {
    let held: Held;
    if (this.opts.getToken) {
      held = hold(await this.opts.getToken().catch((e: unknown) => Promise.reject(toWidgetError(e))), undefined);
    } else {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.held) headers.authorization = `Bearer ${this.held.token}`;
      let res: Response;
      try {
        res = await fetch(`${this.opts.api}/v1/token`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ siteKey: this.opts.siteKey }),
          credentials: 'omit',
        });
      } catch (e) {
        throw (await refusedByCors(this.opts.api)) ? misconfigured() : toWidgetError(e);
      }
      if (!res.ok) throw await httpError(res);
      const body = (await res.json()) as Partial<Record<keyof TokenResponse, unknown>>;
      if (typeof body.token !== 'string') throw new WidgetError('internal', 'The token answer has no token.');
      // An older gateway states no limit: the composer keeps its default.
      if (Number.isInteger(body.maxMessageChars) && (body.maxMessageChars as number) > 0)
        this.opts.onLimits?.({ maxMessageChars: body.maxMessageChars as number });
      held = hold(body.token, toEpochMs(body.expiresAt));
      this.opts.store.update({ token: held.token, expiresAt: toEpochMs(body.expiresAt) ?? held.expiresAt });
    }
    this.held = held;
    this.schedule();
    return held.token;
  }

  /** Refresh ahead of time, but only while the visitor is chatting: an idle tab costs nothing. */
  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.held) return;
    const lifetime = this.held.expiresAt - Date.now();
    this.timer = setTimeout(
      () => {
        if (this.held && Date.now() - this.lastUsed < lifetime) void this.refresh().catch(() => undefined);
      },
      Math.min(2 ** 31 - 1, Math.max(0, this.held.refreshAt - Date.now())),
    );
  }
}
