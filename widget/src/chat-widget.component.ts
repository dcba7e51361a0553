import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import type { DataEventData, InvalidField, SessionStatus, WireEvent } from '@chat/shared/events';
import { ChatClient, type FieldInfo, type OutgoingMessage } from './client.js';
import { visitorContext } from './context.js';
import { widgetEvent } from './events.js';
import { pickLocale, type Strings } from './i18n.js';
import { linkify } from './linkify.js';
import { takeSentences } from './sentences.js';
import { styles } from './chat-widget.styles.js';
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
  /** Longest message the composer accepts; the gateway enforces its own MAX_MESSAGE_CHARS. */
  maxMessageChars: 2000,
};

interface ChatMessage {
  id: string;
  role: 'user' | 'assistant';
  /** Finished sentences: these are in the live log. */
  sentences: string[];
  /** The sentence still being written: shown, but hidden from screen readers until it ends. */
  tail: string;
}

type Notice =
  | { kind: 'retrying'; text: string }
  | { kind: 'error'; text: string; retry: OutgoingMessage | null }
  | { kind: 'info'; text: string };

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

const humanize = (name: string) => {
  const s = name.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
};

const filled = (v: unknown) => v !== undefined && v !== null && v !== '';

/**
 * `<chat-widget>`: a launcher and a chat panel that streams the assistant's replies.
 *
 * @attr site-key - The site's public key (`pk_...`); the gateway checks the page's origin against it.
 * @attr api - Base URL of the gateway. Default: the origin `widget.js` was loaded from.
 * @attr title - Heading of the panel. Default: a localized "Chat with us".
 * @attr position - `bottom-right` (default) or `bottom-left`.
 * @attr open - Present while the panel is open; set it to open the panel.
 * @attr lang - UI language (`en`, `es`, `fr`, `de`). Default: the closest `lang` on the page, then the browser's.
 * @attr show-progress - Show a checklist of the template's fields, ticked as the assistant collects them.
 * @attr theme - `light` (default), `dark` or `auto` (follows `prefers-color-scheme`).
 * @attr context - Facts about the page for the lead, as a flat JSON object of strings, numbers and
 *   booleans (at most 1024 bytes), e.g. `{"plan":"pro","product":"solar-x"}`; anything else is ignored
 *   with a console warning. Sent with a session's first turn beside the page URL (origin and path,
 *   `utm_*` query keys only), the referrer's origin and `navigator.language`. The model sees only
 *   the keys the tenant's template lists in `contextKeys`.
 *
 * @prop {() => Promise<string>} getToken - Identity verification: returns a JWT minted by the
 *   customer's backend with the tenant's identity secret; used instead of `POST /v1/token`.
 * @prop {string | null} sessionId - Read-only: the current session id, if any.
 * @prop {Record<string, unknown>} data - Read-only: the data collected so far.
 * @method show() / hide() / toggle() - Open or close the panel.
 *
 * @fires chat-widget-open - `{open: true}` when the panel opens.
 * @fires chat-widget-close - `{open: false}` when the panel closes.
 * @fires chat-widget-message - `{role, id, text, sessionId}` for each message sent and each reply finished.
 * @fires chat-widget-complete - `{sessionId, data}` when the assistant has collected every required field.
 *
 * @csspart launcher - The round button that opens the panel.
 * @csspart panel - The chat panel (a dialog).
 * @csspart header - The panel's header; `title` its heading, `close-button` its close button.
 * @csspart progress - The checklist of fields (with `show-progress`).
 * @csspart log - The transcript.
 * @csspart message - Every message bubble; also `message-user` or `message-assistant`.
 * @csspart notice - Retry and error notices; `retry-button` is its button.
 * @csspart composer - The form at the bottom; `input` the text box, `send-button` the button, `stop-button`
 *   the button that replaces it while a reply is written (stops the reply).
 *
 * @cssprop --chat-widget-accent - Launcher, visitor bubbles, send button (default #1d4ed8).
 * @cssprop --chat-widget-on-accent - Text on the accent colour (default #fff).
 * @cssprop --chat-widget-font - Font family (default: the system UI font).
 * @cssprop --chat-widget-font-size - Base font size (default 15px).
 * @cssprop --chat-widget-radius - Corner radius of panel and bubbles (default 16px).
 * @cssprop --chat-widget-bg / --chat-widget-fg - Panel background and text.
 * @cssprop --chat-widget-width / --chat-widget-height - Panel size on wide screens (380px / 600px).
 * @cssprop --chat-widget-offset - Distance from the viewport's corner (20px).
 * @cssprop --chat-widget-z-index - Stacking level (2147483000).
 */
export class ChatWidget extends LitElement {
  static override styles = styles;

  static override properties = {
    siteKey: { attribute: 'site-key' },
    api: {},
    title: {},
    position: { reflect: true },
    open: { type: Boolean, reflect: true },
    lang: {},
    showProgress: { type: Boolean, attribute: 'show-progress' },
    theme: { reflect: true },
    getToken: { attribute: false },
    _messages: { state: true },
    _typing: { state: true },
    _busy: { state: true },
    _notice: { state: true },
    _fatal: { state: true },
    _fields: { state: true },
    _data: { state: true },
    _invalid: { state: true },
    _status: { state: true },
    _completedAfter: { state: true },
    _draft: { state: true },
  };

  declare siteKey: string;
  declare api: string;
  declare title: string;
  declare position: 'bottom-right' | 'bottom-left';
  declare open: boolean;
  declare lang: string;
  declare showProgress: boolean;
  declare theme: 'light' | 'dark' | 'auto';
  declare getToken: (() => Promise<string>) | undefined;

  declare private _messages: ChatMessage[];
  declare private _typing: boolean;
  declare private _busy: boolean;
  declare private _notice: Notice | null;
  declare private _fatal: string | null;
  declare private _fields: FieldInfo[];
  declare private _data: Record<string, unknown>;
  declare private _invalid: InvalidField[];
  declare private _status: SessionStatus | null;
  /** The reply after which the log marks the intake complete (the reply that completed it). */
  declare private _completedAfter: string | null;
  declare private _draft: string;

  private client: ChatClient | undefined;
  private clientKey = '';
  private abort = new AbortController();
  private resumed = false;
  private fieldsFromServer = false;
  private stickToBottom = true;

  constructor() {
    super();
    this.siteKey = '';
    this.api = '';
    this.title = '';
    this.position = 'bottom-right';
    this.open = false;
    this.lang = '';
    this.showProgress = false;
    this.theme = 'light';
    this.getToken = undefined;
    this._messages = [];
    this._typing = false;
    this._busy = false;
    this._notice = null;
    this._fatal = null;
    this._fields = [];
    this._data = {};
    this._invalid = [];
    this._status = null;
    this._completedAfter = null;
    this._draft = '';
  }

  get sessionId(): string | null {
    return this.ensureClient()?.sessionId ?? null;
  }

  get data(): Record<string, unknown> {
    return { ...this._data };
  }

  show(): void {
    this.open = true;
  }

  hide(): void {
    this.open = false;
  }

  toggle(): void {
    this.open = !this.open;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.abort = new AbortController();
    // A reload mid-conversation brings the panel back as the visitor left it.
    if (!this.open && this.ensureClient()?.store.read().open) this.open = true;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.abort.abort();
    this.client?.dispose();
    this.client = undefined;
    this.clientKey = '';
  }

  private get strings(): Strings {
    return pickLocale(this.lang, this.closest('[lang]')?.getAttribute('lang'), document.documentElement.lang, navigator.language).strings;
  }

  private ensureClient(): ChatClient | undefined {
    if (!this.siteKey && !this.getToken) return undefined;
    const api = (this.api || SCRIPT_ORIGIN).replace(/\/+$/, '');
    const key = `${api}|${this.siteKey}|${this.getToken ? 'custom' : ''}`;
    if (this.client && this.clientKey === key) return this.client;
    this.client?.dispose();
    this.client = new ChatClient({
      api,
      siteKey: this.siteKey,
      getToken: this.getToken,
      context: () => visitorContext({ href: location.href, referrer: document.referrer, language: navigator.language }, this.getAttribute('context')),
    });
    this.clientKey = key;
    this.resumed = false;
    return this.client;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('siteKey') || changed.has('api') || changed.has('getToken')) {
      if (this.client && this.clientKey) this.resumed = false;
    }
    const log = this.renderRoot.querySelector?.('.log');
    if (log) this.stickToBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 48;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('open')) {
      const wasOpen = changed.get('open');
      // Opened by the first render (attribute, or restored after a reload): don't steal focus from the page.
      if (this.open) this.onOpened(wasOpen !== undefined);
      else if (wasOpen) this.onClosed();
    }
    const log = this.renderRoot.querySelector('.log');
    if (log && this.stickToBottom) log.scrollTop = log.scrollHeight;
  }

  private onOpened(byVisitor: boolean): void {
    const client = this.ensureClient();
    client?.store.update({ open: true });
    this.dispatchEvent(widgetEvent('chat-widget-open', { open: true }));
    if (byVisitor) this.renderRoot.querySelector<HTMLElement>('textarea')?.focus();
    if (!client) {
      this._fatal = this.strings.misconfigured;
      return;
    }
    if (!this.resumed) void this.resume(client);
  }

  private onClosed(): void {
    this.ensureClient()?.store.update({ open: false });
    this.dispatchEvent(widgetEvent('chat-widget-close', { open: false }));
    this.renderRoot.querySelector<HTMLElement>('.launcher')?.focus();
  }

  /** Bring back the transcript and progress of the stored session, or check the site is usable. */
  private async resume(client: ChatClient): Promise<void> {
    this.resumed = true;
    try {
      const before = this._messages;
      const view = client.sessionId ? await client.resume(this.abort.signal) : null;
      if (!view) {
        if (!this._messages.length) await client.check();
        return;
      }
      // The visitor typed while the session loaded: the live conversation wins.
      if (this._messages !== before) return;
      this._messages = view.transcript.map((t, i) => ({ id: t.id ?? `t${i}`, role: t.role, sentences: [t.text], tail: '' }));
      this._fields = view.fields;
      this.fieldsFromServer = true;
      this.applyData(view);
      this._status = view.status;
      // Where it completed is not in the transcript: the mark goes after what is there.
      if (view.status === 'complete') this._completedAfter = this._messages.at(-1)?.id ?? null;
      if (view.status === 'closed') this._notice = { kind: 'info', text: this.strings.closed };
    } catch (e) {
      this.showError(e as WidgetError, null);
    }
  }

  private applyData(d: DataEventData): void {
    this._data = d.data;
    this._invalid = d.invalid;
    if (this.fieldsFromServer) return;
    // Before the template's field list is known, the data event's keys are the checklist.
    const known = new Set(this._fields.map((f) => f.name));
    const more = [...Object.keys(d.data), ...d.missing, ...d.invalid.map((i) => i.field)].filter((n) => !known.has(n) && known.add(n));
    if (more.length) this._fields = [...this._fields, ...more.map((name) => ({ name, required: d.missing.includes(name) }))];
  }

  private onSubmit(e: Event): void {
    e.preventDefault();
    const text = this._draft.trim();
    if (!text || this._busy || this._fatal || this._status === 'closed') return;
    this._draft = '';
    const message = { id: uuid(), text };
    this._messages = [...this._messages, { id: message.id, role: 'user', sentences: [text], tail: '' }];
    this.dispatchEvent(widgetEvent('chat-widget-message', { role: 'user', id: message.id, text, sessionId: this.sessionId }));
    void this.runTurn(message);
  }

  private async runTurn(message: OutgoingMessage): Promise<void> {
    const client = this.ensureClient();
    if (!client) return;
    this._busy = true;
    this._notice = null;
    const replyId = `reply-${message.id}`;
    const reply: ChatMessage = { id: replyId, role: 'assistant', sentences: [], tail: '' };
    try {
      await client.sendTurn(
        message,
        {
          onAttempt: () => {
            // A retry streams the reply again from the start (or the engine replays it).
            this._messages = this._messages.filter((m) => m.id !== replyId);
            reply.sentences = [];
            reply.tail = '';
            this._typing = true;
          },
          onRetryWait: () => {
            this._notice = { kind: 'retrying', text: this.strings.retrying };
          },
          onEvent: (ev) => this.onWireEvent(ev, reply),
        },
        this.abort.signal,
      );
    } catch (e) {
      // A stop the visitor asked for keeps what was written so far and says so, calmly.
      if ((e as WidgetError).code === 'turn_stopped') this._notice = { kind: 'info', text: this.strings.stopped };
      else if (!this.abort.signal.aborted) this.showError(e as WidgetError, message);
    } finally {
      this._typing = false;
      this._busy = false;
    }
  }

  private onWireEvent(ev: Exclude<WireEvent, { event: 'error' }>, reply: ChatMessage): void {
    switch (ev.event) {
      case 'session':
        return;
      case 'token': {
        if (this._notice?.kind === 'retrying') this._notice = null;
        if (!this._messages.includes(reply)) this._messages = [...this._messages, reply];
        this._typing = false;
        const { sentences, rest } = takeSentences(reply.tail + ev.data.text);
        reply.sentences.push(...sentences);
        reply.tail = rest;
        this.requestUpdate();
        return;
      }
      case 'data':
        this.applyData(ev.data);
        return;
      case 'done': {
        this._notice = null;
        if (!this._messages.includes(reply)) this._messages = [...this._messages, reply];
        // The done event's reply is the truth; the streamed text normally equals it.
        if (reply.sentences.join('') + reply.tail !== ev.data.reply) reply.sentences = [ev.data.reply];
        else if (reply.tail) reply.sentences.push(reply.tail);
        reply.tail = '';
        this.requestUpdate();
        const wasComplete = this._status === 'complete';
        this._status = ev.data.status;
        this.dispatchEvent(widgetEvent('chat-widget-message', { role: 'assistant', id: reply.id, text: ev.data.reply, sessionId: this.sessionId }));
        // Once per session: the required fields are in. The assistant may go on to offer the
        // optional ones, so the composer stays usable.
        if (ev.data.status === 'complete' && !wasComplete) {
          this._completedAfter = reply.id;
          this.dispatchEvent(widgetEvent('chat-widget-complete', { sessionId: this.sessionId, data: { ...this._data } }));
        }
        if (ev.data.status === 'closed') this._notice = { kind: 'info', text: this.strings.closed };
        if (this.showProgress && !this.fieldsFromServer) void this.loadFields();
        return;
      }
    }
  }

  /** The template's full field list (with optional fields) for the checklist, once per session. */
  private async loadFields(): Promise<void> {
    this.fieldsFromServer = true;
    try {
      const view = await this.client?.resume(this.abort.signal);
      if (view?.fields.length) this._fields = view.fields;
    } catch {
      this.fieldsFromServer = false;
    }
  }

  private showError(err: WidgetError, retry: OutgoingMessage | null): void {
    const s = this.strings;
    if (FATAL_CODES.has(err.code)) {
      this._fatal = s.misconfigured;
      this._notice = null;
      return;
    }
    if (err.code === 'session_not_found' || err.code === 'session_closed') {
      this._status = null;
      this._completedAfter = null;
      this.fieldsFromServer = false;
      this._notice = { kind: 'error', text: s.sessionExpired, retry };
      return;
    }
    this._notice = { kind: 'error', text: s.failed, retry };
  }

  /** Stop the reply being written (the turn ends at the gateway, on whichever replica relays it). */
  private onStop(): void {
    void this.client?.stop().catch(() => {});
  }

  private onRetry(message: OutgoingMessage): void {
    if (!this._busy) void this.runTurn(message);
  }

  private onInputKeydown(e: KeyboardEvent): void {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.renderRoot.querySelector('form')?.requestSubmit();
    }
  }

  /** Esc closes; Tab cycles within the open panel, the way a dialog keeps focus. */
  private onPanelKeydown(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.preventDefault();
      this.open = false;
      return;
    }
    if (e.key !== 'Tab') return;
    const focusable = [...this.renderRoot.querySelectorAll<HTMLElement>('.panel :is(button, a[href], textarea, [tabindex="0"])')].filter(
      (el) => !el.hasAttribute('disabled') && el.getClientRects().length > 0,
    );
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const active = (this.renderRoot as ShadowRoot).activeElement;
    if (!first || !last) return;
    if (e.shiftKey && (active === first || !active)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && active === last) {
      e.preventDefault();
      first.focus();
    }
  }

  private renderText(text: string): Array<TemplateResult | string> {
    return linkify(text).map((p) =>
      p.kind === 'link' ? html`<a href=${p.href} target="_blank" rel="noopener noreferrer">${p.text}</a>` : p.text,
    );
  }

  /**
   * A token changes only the streaming reply's tail: the guards keep every other message, and the
   * reply's finished sentences, from being re-linkified and re-diffed per token. `sentences` grows
   * in place (push) or is replaced (done, retry), hence both its identity and length as keys.
   */
  private renderMessage(m: ChatMessage, s: Strings): unknown {
    return guard([m, m.sentences, m.sentences.length, m.tail, s], () => html`<div class="msg ${m.role}" part="message message-${m.role}" data-id=${m.id}>
      <span class="sr-only">${m.role === 'user' ? s.you : s.assistant}: </span>${guard([m.sentences, m.sentences.length], () =>
        m.sentences.map((t) => html`<span>${this.renderText(t)}</span>`),
      )}${m.tail ? html`<span aria-hidden="true">${m.tail}</span>` : nothing}
    </div>`);
  }

  private renderProgress(s: Strings): TemplateResult | typeof nothing {
    if (!this.showProgress || !this._fields.length) return nothing;
    const bad = new Set(this._invalid.map((i) => i.field));
    const done = (f: FieldInfo) => filled(this._data[f.name]) && !bad.has(f.name);
    const count = this._fields.filter(done).length;
    return html`<section class="progress" part="progress" aria-label=${s.progress}>
      <div class="progress-head">
        <span>${s.progress}</span><span class="count">${s.progressCount(count, this._fields.length)}</span>
      </div>
      <progress class="bar" aria-hidden="true" max=${this._fields.length} .value=${count}></progress>
      <ul>
        ${this._fields.map((f) => {
          const ok = done(f);
          return html`<li class="${ok ? 'done' : ''} ${f.required ? '' : 'opt'}" data-field=${f.name}>
            <span class="check" aria-hidden="true">${ok ? '✓' : ''}</span>${humanize(f.name)}<span class="sr-only">, ${ok ? s.fieldDone : s.fieldTodo}</span>
          </li>`;
        })}
      </ul>
    </section>`;
  }

  private renderNotice(): TemplateResult | typeof nothing {
    const n = this._notice;
    if (!n) return nothing;
    const retry = n.kind === 'error' ? n.retry : null;
    return html`<div class="notice ${n.kind}" part="notice" role=${n.kind === 'error' ? 'alert' : 'status'}>
      <span>${n.text}</span>
      ${retry
        ? html`<button type="button" part="retry-button" class="retry" @click=${() => this.onRetry(retry)}>${this.strings.retry}</button>`
        : nothing}
    </div>`;
  }

  protected override render(): TemplateResult {
    const s = this.strings;
    const title = this.title || s.title;
    const blocked = Boolean(this._fatal) || this._status === 'closed';
    // title="" stops the host's `title` attribute from showing as a tooltip over the whole widget.
    return html`<div class="root" title="">
      ${this.open
        ? nothing
        : html`<button class="launcher" part="launcher" type="button" aria-label=${s.openChat} aria-expanded="false" aria-controls="panel" @click=${this.show}>
            <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6c-.5.4-1.3 0-1.3-.6V16A2.5 2.5 0 0 1 4 13.5z" /></svg>
          </button>`}
      <section id="panel" class="panel" part="panel" role="dialog" aria-modal="true" aria-labelledby="title" ?hidden=${!this.open} @keydown=${this.onPanelKeydown}>
        <header part="header">
          <span class="avatar" aria-hidden="true"></span>
          <h2 id="title" part="title">${title}</h2>
          <button class="close" part="close-button" type="button" aria-label=${s.closeChat} @click=${this.hide}>
            <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" /></svg>
          </button>
        </header>
        ${this.renderProgress(s)}
        <div class="log" part="log" role="log" aria-live="polite" aria-label=${title} tabindex="0">
          ${this._fatal
            ? html`<div class="fatal" role="alert">${this._fatal}</div>`
            : this._messages.length
              ? nothing
              : html`<div class="msg assistant welcome" part="message message-assistant">${s.welcome}</div>`}
          ${this._messages.map((m) => [
            this.renderMessage(m, s),
            // In the log, after the reply that completed the intake: it scrolls with the conversation.
            m.id === this._completedAfter ? html`<div class="complete-mark" part="notice complete">${s.complete}</div>` : nothing,
          ])}
          ${this._typing
            ? html`<div class="typing" part="typing" role="status"><span class="sr-only">${s.typing}</span><i aria-hidden="true"></i><i aria-hidden="true"></i><i aria-hidden="true"></i></div>`
            : nothing}
        </div>
        ${this.renderNotice()}
        <form part="composer" class="composer" @submit=${this.onSubmit}>
          <textarea
            part="input"
            rows="1"
            aria-label=${s.messageLabel}
            placeholder=${s.placeholder}
            maxlength=${WIDGET_CONFIG.maxMessageChars}
            ?disabled=${blocked}
            .value=${this._draft}
            @input=${(e: Event) => (this._draft = (e.target as HTMLTextAreaElement).value)}
            @keydown=${this.onInputKeydown}
          ></textarea>
          ${this._busy
            ? html`<button part="stop-button" class="send stop" type="button" aria-label=${s.stop} @click=${this.onStop}>
                <svg viewBox="0 0 24 24" aria-hidden="true"><rect x="7" y="7" width="10" height="10" rx="1.5" /></svg>
              </button>`
            : html`<button part="send-button" class="send" type="submit" aria-label=${s.send} ?disabled=${blocked || !this._draft.trim()}>
                <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 12l16-8-6 16-2.5-6.5z" /></svg>
              </button>`}
        </form>
      </section>
    </div>`;
  }
}
