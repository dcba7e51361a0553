/**
 * The conversation behind `<chat-widget>`, as a Lit ReactiveController: the gateway client (token,
 * session store, streaming, 409 and retry policy), resuming a stored session, the turn in flight,
 * stop, and the errors a visitor is shown. It holds the state the element renders (`state`) and
 * asks the host to update when it changes; it renders nothing and touches no DOM but the host's
 * events (`chat-widget-message`, `chat-widget-complete`), which belong to the conversation.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { DataEventData, InvalidField, SessionStatus, WireEvent } from '@chat/shared/events';
import type { ChatMessage as OutgoingMessage, SessionView } from '@chat/shared';
import { ChatClient, type FieldInfo } from './client.js';
import { visitorContext } from './context.js';
import { widgetEvent } from './events.js';
import type { Strings } from './i18n.js';
import { takeSentences } from './sentences.js';
import type { WidgetError } from './widget-error.js';

/** Where the script came from: the API's default origin, so one tag is enough. */
const SCRIPT_ORIGIN = (() => {
  try {
    return new URL(import.meta.url).origin;
  } catch {
    return location.origin;
  }
})();

export const WIDGET_CONFIG = {
  /**
   * Longest message the composer accepts until the gateway has said its own (`maxMessageChars` in
   * the `POST /v1/token` answer, its MAX_MESSAGE_CHARS): the gateway's default. A page that mints
   * its own tokens (`getToken`) never asks, so keeps this; the gateway still answers 413 above its limit.
   */
  maxMessageChars: 4000,
};

export interface ConversationMessage {
  id: string;
  role: 'user' | 'assistant';
  /** Finished sentences: these are in the live log. */
  sentences: string[];
  /** The sentence still being written: shown, but hidden from screen readers until it ends. */
  tail: string;
}

/** What the element shows under the log; the text is the element's (localized) business. */
export type Notice =
  | { kind: 'retrying' }
  | { kind: 'error'; text: Extract<keyof Strings, 'failed' | 'sessionExpired'>; retry: OutgoingMessage | null }
  | { kind: 'info'; text: Extract<keyof Strings, 'closed' | 'stopped'> };

export interface ConversationState {
  messages: ConversationMessage[];
  typing: boolean;
  busy: boolean;
  notice: Notice | null;
  /** The site cannot be used (no key, unknown key, foreign origin): the composer is blocked. */
  fatal: boolean;
  fields: FieldInfo[];
  data: Record<string, unknown>;
  invalid: InvalidField[];
  status: SessionStatus | null;
  /** The reply after which the log marks the intake complete (the reply that completed it). */
  completedAfter: string | null;
  /** The composer's limit, from the gateway once a token has been fetched. */
  maxMessageChars: number;
}

/** What the controller reads from its element. */
export interface ConversationHost extends ReactiveControllerHost, EventTarget {
  siteKey: string;
  api: string;
  getToken: (() => Promise<string>) | undefined;
  showProgress: boolean;
  getAttribute(name: string): string | null;
}

const FATAL_CODES = new Set(['site_not_found', 'origin_not_allowed']);

function uuid(): string {
  // randomUUID needs a secure context; plain-http host pages still deserve unique ids.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export class ConversationController implements ReactiveController {
  #current: ConversationState = {
    messages: [],
    typing: false,
    busy: false,
    notice: null,
    fatal: false,
    fields: [],
    data: {},
    invalid: [],
    status: null,
    completedAfter: null,
    maxMessageChars: WIDGET_CONFIG.maxMessageChars,
  };

  #client: ChatClient | undefined;
  #clientKey = '';
  #abort = new AbortController();
  #resumed = false;
  #fieldsFromServer = false;

  readonly #host: ConversationHost;

  constructor(host: ConversationHost) {
    this.#host = host;
    host.addController(this);
  }

  /** What to render. Replaced (not mutated) on change, except a streaming reply's sentences. */
  get state(): Readonly<ConversationState> {
    return this.#current;
  }

  get sessionId(): string | null {
    return this.#ensureClient()?.sessionId ?? null;
  }

  /** The panel's open state as the visitor left it before a reload. */
  get wasOpen(): boolean {
    return Boolean(this.#ensureClient()?.store.read().open);
  }

  /** Nothing can be sent: no site to talk to, or the session is closed. */
  get blocked(): boolean {
    return this.#current.fatal || this.#current.status === 'closed';
  }

  hostConnected(): void {
    this.#abort = new AbortController();
  }

  hostDisconnected(): void {
    this.#abort.abort();
    this.#client?.dispose();
    this.#client = undefined;
    this.#clientKey = '';
  }

  /** Site key, API or getToken changed: the next open resumes (or checks) again. */
  configChanged(): void {
    if (this.#client && this.#clientKey) this.#resumed = false;
  }

  #set(patch: Partial<ConversationState>): void {
    this.#current = { ...this.#current, ...patch };
    this.#host.requestUpdate();
  }

  #ensureClient(): ChatClient | undefined {
    const h = this.#host;
    if (!h.siteKey && !h.getToken) return undefined;
    const api = (h.api || SCRIPT_ORIGIN).replace(/\/+$/, '');
    const key = `${api}|${h.siteKey}|${h.getToken ? 'custom' : ''}`;
    if (this.#client && this.#clientKey === key) return this.#client;
    this.#client?.dispose();
    this.#client = new ChatClient({
      api,
      siteKey: h.siteKey,
      getToken: h.getToken,
      context: () => visitorContext({ href: location.href, referrer: document.referrer, language: navigator.language }, h.getAttribute('context')),
      onLimits: ({ maxMessageChars }) => {
        if (maxMessageChars !== this.#current.maxMessageChars) this.#set({ maxMessageChars });
      },
    });
    this.#clientKey = key;
    this.#resumed = false;
    return this.#client;
  }

  /** The panel opened or closed: remember it for a reload; on the first open, resume or check the site. */
  setOpen(open: boolean): void {
    const client = this.#ensureClient();
    client?.store.update({ open });
    if (!open) return;
    if (!client) {
      this.#set({ fatal: true });
      return;
    }
    if (!this.#resumed) void this.#resume(client);
  }

  /** Bring back the transcript and progress of the stored session, or check the site is usable. */
  async #resume(client: ChatClient): Promise<void> {
    this.#resumed = true;
    try {
      const before = this.#current.messages;
      const view = client.sessionId ? await client.resume(this.#abort.signal) : null;
      if (!view) {
        if (!this.#current.messages.length) await client.check();
        return;
      }
      // The visitor typed while the session loaded: the live conversation wins.
      if (this.#current.messages !== before) return;
      const messages = view.transcript.map((t, i): ConversationMessage => ({ id: t.id ?? `t${i}`, role: t.role, sentences: [t.text], tail: '' }));
      this.#fieldsFromServer = true;
      this.#set({
        messages,
        fields: view.fields ?? [],
        ...this.#dataPatch(view),
        status: view.status,
        // Where it completed is not in the transcript: the mark goes after what is there.
        ...(view.status === 'complete' ? { completedAfter: messages.at(-1)?.id ?? null } : {}),
        ...(view.status === 'closed' ? { notice: { kind: 'info', text: 'closed' } as const } : {}),
      });
    } catch (e) {
      this.#showError(e as WidgetError, null);
    }
  }

  #dataPatch(d: DataEventData): Partial<ConversationState> {
    const patch: Partial<ConversationState> = { data: d.data, invalid: d.invalid };
    if (this.#fieldsFromServer) return patch;
    // Before the template's field list is known, the data event's keys are the checklist.
    const fields = this.#current.fields;
    const known = new Set(fields.map((f) => f.name));
    const more = [...Object.keys(d.data), ...d.missing, ...d.invalid.map((i) => i.field)].filter((n) => !known.has(n) && known.add(n));
    if (more.length) patch.fields = [...fields, ...more.map((name) => ({ name, required: d.missing.includes(name) }))];
    return patch;
  }

  /** The visitor sends `text` (already trimmed by the element); false when it cannot be sent now. */
  send(text: string): boolean {
    if (!text || this.#current.busy || this.blocked) return false;
    const message = { id: uuid(), text };
    this.#set({ messages: [...this.#current.messages, { id: message.id, role: 'user', sentences: [text], tail: '' }] });
    this.#host.dispatchEvent(widgetEvent('chat-widget-message', { role: 'user', id: message.id, text, sessionId: this.sessionId }));
    void this.#runTurn(message);
    return true;
  }

  /** The error notice's button: the same message again, under the same id. */
  retry(message: OutgoingMessage): void {
    if (!this.#current.busy) void this.#runTurn(message);
  }

  /** Stop the reply being written (the turn ends at the gateway, on whichever replica relays it). */
  stop(): void {
    void this.#client?.stop().catch(() => {});
  }

  async #runTurn(message: OutgoingMessage): Promise<void> {
    const client = this.#ensureClient();
    if (!client) return;
    this.#set({ busy: true, notice: null });
    const replyId = `reply-${message.id}`;
    const reply: ConversationMessage = { id: replyId, role: 'assistant', sentences: [], tail: '' };
    try {
      await client.sendTurn(
        message,
        {
          onAttempt: () => {
            // A retry streams the reply again from the start (or the engine replays it).
            reply.sentences = [];
            reply.tail = '';
            this.#set({ messages: this.#current.messages.filter((m) => m.id !== replyId), typing: true });
          },
          onRetryWait: () => this.#set({ notice: { kind: 'retrying' } }),
          onEvent: (ev) => this.#onWireEvent(ev, reply),
        },
        this.#abort.signal,
      );
    } catch (e) {
      // A stop the visitor asked for keeps what was written so far and says so, calmly.
      if ((e as WidgetError).code === 'turn_stopped') this.#set({ notice: { kind: 'info', text: 'stopped' } });
      else if (!this.#abort.signal.aborted) this.#showError(e as WidgetError, message);
    } finally {
      this.#set({ typing: false, busy: false });
    }
  }

  #withReply(reply: ConversationMessage): ConversationMessage[] {
    const messages = this.#current.messages;
    return messages.includes(reply) ? messages : [...messages, reply];
  }

  #onWireEvent(ev: Exclude<WireEvent, { event: 'error' }>, reply: ConversationMessage): void {
    switch (ev.event) {
      case 'session':
        return;
      case 'token': {
        const { sentences, rest } = takeSentences(reply.tail + ev.data.text);
        reply.sentences.push(...sentences);
        reply.tail = rest;
        this.#set({
          messages: this.#withReply(reply),
          typing: false,
          ...(this.#current.notice?.kind === 'retrying' ? { notice: null } : {}),
        });
        return;
      }
      case 'data':
        this.#set(this.#dataPatch(ev.data));
        return;
      case 'done': {
        // The done event's reply is the truth; the streamed text normally equals it.
        if (reply.sentences.join('') + reply.tail !== ev.data.reply) reply.sentences = [ev.data.reply];
        else if (reply.tail) reply.sentences.push(reply.tail);
        reply.tail = '';
        const wasComplete = this.#current.status === 'complete';
        const completes = ev.data.status === 'complete' && !wasComplete;
        this.#set({
          messages: this.#withReply(reply),
          status: ev.data.status,
          notice: ev.data.status === 'closed' ? { kind: 'info', text: 'closed' } : null,
          ...(completes ? { completedAfter: reply.id } : {}),
        });
        this.#host.dispatchEvent(widgetEvent('chat-widget-message', { role: 'assistant', id: reply.id, text: ev.data.reply, sessionId: this.sessionId }));
        // Once per session: the required fields are in. The assistant may go on to offer the
        // optional ones, so the composer stays usable.
        if (completes) this.#host.dispatchEvent(widgetEvent('chat-widget-complete', { sessionId: this.sessionId, data: { ...this.#current.data } }));
        if (this.#host.showProgress && !this.#fieldsFromServer) void this.#loadFields();
        return;
      }
    }
  }

  /** The template's full field list (with optional fields) for the checklist, once per session. */
  async #loadFields(): Promise<void> {
    this.#fieldsFromServer = true;
    try {
      const view: SessionView | null | undefined = await this.#client?.resume(this.#abort.signal);
      if (view?.fields?.length) this.#set({ fields: view.fields });
    } catch {
      this.#fieldsFromServer = false;
    }
  }

  #showError(err: WidgetError, retry: OutgoingMessage | null): void {
    if (FATAL_CODES.has(err.code)) {
      this.#set({ fatal: true, notice: null });
      return;
    }
    if (err.code === 'session_not_found' || err.code === 'session_closed') {
      this.#fieldsFromServer = false;
      this.#set({ status: null, completedAfter: null, notice: { kind: 'error', text: 'sessionExpired', retry } });
      return;
    }
    this.#set({ notice: { kind: 'error', text: 'failed', retry } });
  }
}
