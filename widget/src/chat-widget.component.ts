import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { ConversationController, type ConversationMessage } from './conversation-controller.js';
import type { FieldInfo } from './client.js';
import { widgetEvent } from './events.js';
import { trapTab } from './focus-trap.js';
import { pickLocale, type Strings } from './i18n.js';
import { linkify } from './linkify.js';
import { styles } from './chat-widget.styles.js';

const humanize = (name: string) => {
  const s = name
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
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
 *
 * @fires chat-widget-open - `{open: true}` when the panel opens.
 * @fires chat-widget-close - `{open: false}` when the panel closes.
 * @fires chat-widget-message - `{role, id, text, sessionId}` for each message sent and each reply finished.
 * @fires chat-widget-complete - `{sessionId, data}` when the assistant has collected every required field.
 *
 * @csspart launcher - The round button that opens the panel.
 * @csspart panel - The chat panel (a dialog).
 * @csspart header - The panel's header.
 * @csspart title - The panel's heading.
 * @csspart close-button - The header's close button.
 * @csspart progress - The checklist of fields (with `show-progress`).
 * @csspart log - The transcript.
 * @csspart message - Every message bubble.
 * @csspart message-user - The visitor's bubbles.
 * @csspart message-assistant - The assistant's bubbles.
 * @csspart typing - The typing indicator shown until the reply's first words.
 * @csspart notice - Retry and error notices, and the "complete" mark in the log.
 * @csspart retry-button - The notice's button that sends a failed message again.
 * @csspart composer - The form at the bottom.
 * @csspart input - The composer's text box.
 * @csspart send-button - The composer's send button.
 * @csspart stop-button - The button that replaces it while a reply is written (stops the reply).
 *
 * @cssprop --chat-widget-accent - Launcher, visitor bubbles, send button (default #1d4ed8).
 * @cssprop --chat-widget-on-accent - Text on the accent colour (default #fff).
 * @cssprop --chat-widget-font - Font family (default: the system UI font).
 * @cssprop --chat-widget-font-size - Base font size (default 15px).
 * @cssprop --chat-widget-radius - Corner radius of panel and bubbles (default 16px).
 * @cssprop --chat-widget-bg - Panel background.
 * @cssprop --chat-widget-fg - Panel text.
 * @cssprop --chat-widget-width - Panel width on wide screens (380px).
 * @cssprop --chat-widget-height - Panel height on wide screens (600px).
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

  /** What the visitor is typing. */
  declare private _draft: string;

  /** The conversation: client, session, resume, retries, errors; this element renders it. */
  private readonly conversation = new ConversationController(this);
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
    this._draft = '';
  }

  /** The current session id, if any. */
  get sessionId(): string | null {
    return this.conversation.sessionId;
  }

  /** The data the assistant collected so far (a copy). */
  get data(): Record<string, unknown> {
    return { ...this.conversation.state.data };
  }

  /** Open the panel. */
  show(): void {
    this.open = true;
  }

  /** Close the panel. */
  hide(): void {
    this.open = false;
  }

  /** Open the panel if closed, close it if open. */
  toggle(): void {
    this.open = !this.open;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // A reload mid-conversation brings the panel back as the visitor left it.
    if (!this.open && this.conversation.wasOpen) this.open = true;
  }

  private get strings(): Strings {
    return pickLocale(this.lang, this.closest('[lang]')?.getAttribute('lang'), document.documentElement.lang, navigator.language).strings;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('siteKey') || changed.has('api') || changed.has('getToken')) {
      this.conversation.configChanged();
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
    this.conversation.setOpen(true);
    this.dispatchEvent(widgetEvent('chat-widget-open', { open: true }));
    if (byVisitor) this.renderRoot.querySelector<HTMLElement>('textarea')?.focus();
  }

  private onClosed(): void {
    this.conversation.setOpen(false);
    this.dispatchEvent(widgetEvent('chat-widget-close', { open: false }));
    this.renderRoot.querySelector<HTMLElement>('.launcher')?.focus();
  }

  private onSubmit(e: Event): void {
    e.preventDefault();
    if (this.conversation.send(this._draft.trim())) this._draft = '';
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
    trapTab(e, this.renderRoot as ShadowRoot, '.panel');
  }

  private renderText(text: string): Array<TemplateResult | string> {
    return linkify(text).map((p) => (p.kind === 'link' ? html`<a href=${p.href} target="_blank" rel="noopener noreferrer">${p.text}</a>` : p.text));
  }

  /**
   * A token changes only the streaming reply's tail: the guards keep every other message, and the
   * reply's finished sentences, from being re-linkified and re-diffed per token. `sentences` grows
   * in place (push) or is replaced (done, retry), hence both its identity and length as keys.
   */
  private renderMessage(m: ConversationMessage, s: Strings): unknown {
    return guard(
      [m, m.sentences, m.sentences.length, m.tail, s],
      () => html`<div class="msg ${m.role}" part="message message-${m.role}" data-id=${m.id}>
      <span class="sr-only">${m.role === 'user' ? s.you : s.assistant}: </span>${guard([m.sentences, m.sentences.length], () =>
        m.sentences.map((t) => html`<span>${this.renderText(t)}</span>`),
      )}${m.tail ? html`<span aria-hidden="true">${m.tail}</span>` : nothing}
    </div>`,
    );
  }

  private renderProgress(s: Strings): TemplateResult | typeof nothing {
    const { fields, invalid, data } = this.conversation.state;
    if (!this.showProgress || !fields.length) return nothing;
    const bad = new Set(invalid.map((i) => i.field));
    const done = (f: FieldInfo) => filled(data[f.name]) && !bad.has(f.name);
    const count = fields.filter(done).length;
    return html`<section class="progress" part="progress" aria-label=${s.progress}>
      <div class="progress-head">
        <span>${s.progress}</span><span class="count">${s.progressCount(count, fields.length)}</span>
      </div>
      <progress class="bar" aria-hidden="true" max=${fields.length} .value=${count}></progress>
      <ul>
        ${fields.map((f) => {
          const ok = done(f);
          return html`<li class="${ok ? 'done' : ''} ${f.required ? '' : 'opt'}" data-field=${f.name}>
            <span class="check" aria-hidden="true">${ok ? '✓' : ''}</span>${humanize(f.name)}<span class="sr-only">, ${ok ? s.fieldDone : s.fieldTodo}</span>
          </li>`;
        })}
      </ul>
    </section>`;
  }

  private renderNotice(s: Strings): TemplateResult | typeof nothing {
    const n = this.conversation.state.notice;
    if (!n) return nothing;
    const retry = n.kind === 'error' ? n.retry : null;
    return html`<div class="notice ${n.kind}" part="notice" role=${n.kind === 'error' ? 'alert' : 'status'}>
      <span>${s[n.kind === 'retrying' ? 'retrying' : n.text]}</span>
      ${retry ? html`<button type="button" part="retry-button" class="retry" @click=${() => this.conversation.retry(retry)}>${s.retry}</button>` : nothing}
    </div>`;
  }

  protected override render(): TemplateResult {
    const s = this.strings;
    const title = this.title || s.title;
    const { fatal, messages, completedAfter, typing, busy, maxMessageChars } = this.conversation.state;
    const blocked = this.conversation.blocked;
    // title="" stops the host's `title` attribute from showing as a tooltip over the whole widget.
    return html`<div class="root" title="">
      ${
        this.open
          ? nothing
          : html`<button class="launcher" part="launcher" type="button" aria-label=${s.openChat} aria-expanded="false" aria-controls="panel" @click=${this.show}>
            <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6c-.5.4-1.3 0-1.3-.6V16A2.5 2.5 0 0 1 4 13.5z" /></svg>
          </button>`
      }
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
          ${
            fatal
              ? html`<div class="fatal" role="alert">${s.misconfigured}</div>`
              : messages.length
                ? nothing
                : html`<div class="msg assistant welcome" part="message message-assistant">${s.welcome}</div>`
          }
          ${messages.map((m) => [
            this.renderMessage(m, s),
            // In the log, after the reply that completed the intake: it scrolls with the conversation.
            m.id === completedAfter ? html`<div class="complete-mark" part="notice complete">${s.complete}</div>` : nothing,
          ])}
          ${
            typing
              ? html`<div class="typing" part="typing" role="status"><span class="sr-only">${s.typing}</span><i aria-hidden="true"></i><i aria-hidden="true"></i><i aria-hidden="true"></i></div>`
              : nothing
          }
        </div>
        ${this.renderNotice(s)}
        <form part="composer" class="composer" @submit=${this.onSubmit}>
          <textarea
            part="input"
            rows="1"
            aria-label=${s.messageLabel}
            placeholder=${s.placeholder}
            maxlength=${maxMessageChars}
            ?disabled=${blocked}
            .value=${this._draft}
            @input=${(e: Event) => (this._draft = (e.target as HTMLTextAreaElement).value)}
            @keydown=${this.onInputKeydown}
          ></textarea>
          ${
            busy
              ? html`<button part="stop-button" class="send stop" type="button" aria-label=${s.stop} @click=${() => this.conversation.stop()}>
                <svg viewBox="0 0 24 24" aria-hidden="true"><rect x="7" y="7" width="10" height="10" rx="1.5" /></svg>
              </button>`
              : html`<button part="send-button" class="send" type="submit" aria-label=${s.send} ?disabled=${blocked || !this._draft.trim()}>
                <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 12l16-8-6 16-2.5-6.5z" /></svg>
              </button>`
          }
        </form>
      </section>
    </div>`;
  }
}
