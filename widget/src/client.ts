/**
 * The widget's side of the gateway API. A turn is `POST /v1/chat` read as a stream (fetch +
 * ReadableStream + the shared SSE parser: EventSource can neither POST nor send headers).
 * A stream that drops mid-reply is resumed from its last event id (`GET /v1/sessions/:id/stream`
 * with Last-Event-ID): the turn went on at the gateway. Other retryable failures are retried with
 * backoff under the same message id, which the gateway and engine treat as the same message, so a
 * retry can never produce a duplicate turn.
 */
import { createSseParser } from '@chat/shared/sse';
import type { WireEvent } from '@chat/shared/events';
import type { ChatMessage, SessionView, StopResponse, TokenResponse, VisitorContext } from '@chat/shared';
import { SessionStore } from './session-store.js';
import { TokenKeeper } from './token-keeper.js';
import { WidgetError, httpError, toWidgetError } from './widget-error.js';

export const RETRY_CONFIG = {
  /** Attempts after the first, for retryable failures. */
  // About 40 s in all (0.5, 1, 2, 4, 8, 8, 8, 8): long enough to ride out an engine restart.
  retries: 8,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
};

/** A visitor message as the contract sends it; a retry sends the same id. */
export type OutgoingMessage = ChatMessage;

/** One field of the template, as a session view lists it (for the progress checklist). */
export type FieldInfo = NonNullable<SessionView['fields']>[number];

/** What the gateway tells the widget about its limits (from the `POST /v1/token` answer). */
export type GatewayLimits = Required<Pick<TokenResponse, 'maxMessageChars'>>;

export interface TurnHandlers {
  /** A (re)try begins: anything shown from an earlier attempt's stream is void. */
  onAttempt(attempt: number): void;
  /** A retryable failure; the next attempt starts after `delayMs`. */
  onRetryWait(error: WidgetError, delayMs: number): void;
  /** Every contract event but `error`, which arrives as the thrown WidgetError. */
  onEvent(event: Exclude<WireEvent, { event: 'error' }>): void;
}

interface StreamProgress {
  finished: boolean;
  /** The `id:` of the last event seen: where a resumed stream starts. */
  lastEventId?: string;
}

export interface ClientOptions {
  api: string;
  siteKey: string;
  getToken?: (() => Promise<string>) | undefined;
  /** The visitor context, read when a session's first turn is sent (and only then). */
  context?: (() => VisitorContext | undefined) | undefined;
  /** The gateway said its limits (with each token it hands out). */
  onLimits?: ((limits: GatewayLimits) => void) | undefined;
}

function backoff(attempt: number): number {
  const exp = Math.min(RETRY_CONFIG.maxDelayMs, RETRY_CONFIG.baseDelayMs * 2 ** attempt);
  return Math.round(exp * (0.8 + Math.random() * 0.4));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

export class ChatClient {
  readonly store: SessionStore;
  private readonly tokens: TokenKeeper;

  constructor(private readonly opts: ClientOptions) {
    this.store = new SessionStore(opts.siteKey || 'default');
    this.tokens = new TokenKeeper({ ...opts, store: this.store });
  }

  get sessionId(): string | undefined {
    return this.store.read().sessionId;
  }

  /** Make sure a token can be had (surfaces a misconfigured site before the visitor types). */
  async check(): Promise<void> {
    await this.tokens.get();
  }

  dispose(): void {
    this.tokens.dispose();
  }

  /** Send one visitor message and stream the reply; resolves after `done`, throws WidgetError. */
  async sendTurn(message: OutgoingMessage, handlers: TurnHandlers, signal: AbortSignal): Promise<void> {
    let reauthorized = false;
    let waitedForBusy = false;
    for (let attempt = 0; ; attempt++) {
      handlers.onAttempt(attempt);
      try {
        await this.turnOnce(message, handlers, signal);
        return;
      } catch (e) {
        if (signal.aborted) throw e;
        const err = toWidgetError(e);
        if (err.code === 'unauthorized' && !reauthorized) {
          // An expired or revoked token: one fresh token, then the same message again.
          reauthorized = true;
          attempt--;
          continue;
        }
        if (err.code === 'turn_in_progress') {
          // Another turn holds the session (a double submit, or a crashed server's lease running
          // out): wait what the server says, once, then the same message again; a second 409 is the visitor's to see.
          if (waitedForBusy) throw err;
          waitedForBusy = true;
          attempt--;
          const delay = err.retryAfterMs ?? backoff(0);
          handlers.onRetryWait(err, delay);
          await sleep(delay, signal);
          continue;
        }
        if (err.code === 'session_not_found' || err.code === 'session_closed') this.store.update({ sessionId: undefined });
        if (!err.retryable || attempt >= RETRY_CONFIG.retries) throw err;
        const delay = err.retryAfterMs ?? backoff(attempt);
        handlers.onRetryWait(err, delay);
        await sleep(delay, signal);
      }
    }
  }

  /**
   * One request to the gateway with the visitor's token. A failed fetch becomes a WidgetError
   * (unless the caller aborted), a failed status its registry error; a 401 retires the token so
   * the caller's next try fetches a fresh one.
   */
  private async call(path: string, init: { method?: string; headers?: Record<string, string>; body?: string }, signal?: AbortSignal): Promise<Response> {
    const token = await this.tokens.get();
    let res: Response;
    try {
      res = await fetch(`${this.opts.api}${path}`, {
        ...init,
        headers: { ...init.headers, authorization: `Bearer ${token}` },
        credentials: 'omit',
        ...(signal ? { signal } : {}),
      });
    } catch (e) {
      throw signal?.aborted ? e : toWidgetError(e);
    }
    if (!res.ok || !res.body) {
      const err = await httpError(res);
      if (err.code === 'unauthorized') this.tokens.invalidate(token);
      throw err;
    }
    return res;
  }

  private async turnOnce(message: OutgoingMessage, handlers: TurnHandlers, signal: AbortSignal): Promise<void> {
    const sessionId = this.sessionId;
    // Where the visitor is goes with a session's first turn only.
    const context = sessionId ? undefined : this.opts.context?.();
    const res = await this.call(
      '/v1/chat',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ ...(sessionId ? { sessionId } : {}), message, ...(context ? { context } : {}) }),
      },
      signal,
    );

    const progress: StreamProgress = { finished: false };
    let dropped: WidgetError | undefined;
    try {
      await this.readStream(res, handlers, signal, progress);
    } catch (e) {
      if (signal.aborted || !(e instanceof WidgetError) || e.code !== 'stream_interrupted') throw e;
      dropped = e;
    }
    if (progress.finished) return;
    // The connection dropped mid-reply. The turn goes on at the gateway and every event is kept:
    // pick the rest up with Last-Event-ID rather than sending the message again.
    for (let attempt = 0; this.sessionId && attempt < RETRY_CONFIG.retries; attempt++) {
      try {
        await this.resumeStream(handlers, signal, progress);
        if (progress.finished) return;
        break; // the stream ended without the turn's end: nothing more to pick up
      } catch (e) {
        if (signal.aborted) throw e;
        const err = toWidgetError(e);
        if (!err.retryable) throw err;
        await sleep(backoff(attempt), signal);
      }
    }
    throw dropped ?? new WidgetError('stream_interrupted', 'The reply ended early.');
  }

  /** Read one SSE response, passing events on; sets `finished` at `done`, throws at `error`. */
  private async readStream(res: Response, handlers: TurnHandlers, signal: AbortSignal, progress: StreamProgress): Promise<void> {
    let failure: WidgetError | undefined;
    const parser = createSseParser({
      onEvent: (ev) => {
        if (progress.finished || failure) return;
        if (ev.id) progress.lastEventId = ev.id;
        if (ev.event === 'error') {
          failure = new WidgetError(ev.data.code, ev.data.message, { retryable: ev.data.retryable });
          return;
        }
        if (ev.event === 'session') this.store.update({ sessionId: ev.data.sessionId });
        if (ev.event === 'done') progress.finished = true;
        handlers.onEvent(ev);
      },
    });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(value);
        if (progress.finished || failure) break;
      }
    } catch (e) {
      if (signal.aborted) throw e;
      throw new WidgetError('stream_interrupted', e instanceof Error ? e.message : 'stream read failed');
    } finally {
      void reader.cancel().catch(() => undefined);
    }
    if (failure) throw failure;
    if (!progress.finished) throw new WidgetError('stream_interrupted', 'The reply ended early.');
  }

  /** The events after the last one seen, then the turn live (GET /v1/sessions/:id/stream). */
  private async resumeStream(handlers: TurnHandlers, signal: AbortSignal, progress: StreamProgress): Promise<void> {
    const res = await this.call(
      `/v1/sessions/${encodeURIComponent(this.sessionId!)}/stream`,
      { headers: { accept: 'text/event-stream', ...(progress.lastEventId ? { 'last-event-id': progress.lastEventId } : {}) } },
      signal,
    );
    try {
      await this.readStream(res, handlers, signal, progress);
    } catch (e) {
      // An empty resume (nothing running, nothing missed) is not a failure of its own.
      if (e instanceof WidgetError && e.code === 'stream_interrupted' && e.message === 'The reply ended early.') return;
      throw e;
    }
  }

  /** Stop the running turn of this session (wherever it runs); true when there was one. */
  async stop(): Promise<boolean> {
    const sessionId = this.sessionId;
    if (!sessionId) return false;
    const res = await this.call(`/v1/sessions/${encodeURIComponent(sessionId)}/stop`, { method: 'POST' });
    return ((await res.json()) as StopResponse).stopped;
  }

  /** The session to resume after a reload, or null when there is none (expired, not ours). */
  async resume(signal?: AbortSignal): Promise<SessionView | null> {
    const sessionId = this.sessionId;
    if (!sessionId) return null;
    for (let reauthorized = false; ; reauthorized = true) {
      try {
        return (await (await this.call(`/v1/sessions/${encodeURIComponent(sessionId)}`, {}, signal)).json()) as SessionView;
      } catch (e) {
        if (!(e instanceof WidgetError)) throw e;
        if (e.code === 'unauthorized' && !reauthorized) continue;
        if (e.status === 404) {
          this.store.update({ sessionId: undefined });
          return null;
        }
        throw e;
      }
    }
  }
}
