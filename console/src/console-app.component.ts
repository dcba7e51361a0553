import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { SessionController, type SessionState } from './controllers/session.controller.js';
import { RouteController, href, type View } from './controllers/route.controller.js';
import { LANGUAGE_NAMES, LOCALES, pickLocale, type Strings } from './i18n/index.js';
import { base } from './styles/base.js';
import { tokens } from './styles/tokens.js';
import { appStyles } from './console-app.styles.js';
import type { ConsoleView, Theme } from './views/console-view.js';

const PREFS_KEY = 'chat-console:prefs';

function readPrefs(): { lang?: string; theme?: Theme } {
  try {
    return (JSON.parse(localStorage.getItem(PREFS_KEY) ?? '{}') as { lang?: string; theme?: Theme }) ?? {};
  } catch {
    return {};
  }
}

const NAV: Array<{ view: 'sites' | 'templates' | 'leads' | 'webhook'; label: (s: Strings) => string; also: View[] }> = [
  { view: 'sites', label: (s) => s.navSites, also: [] },
  { view: 'templates', label: (s) => s.navTemplates, also: ['template'] },
  { view: 'leads', label: (s) => s.navLeads, also: ['lead'] },
  { view: 'webhook', label: (s) => s.navWebhook, also: [] },
];

/**
 * `<chat-console>`: the customer's console, a client of the admin API (`/admin/v1`) with a tenant
 * key and nothing else. Sign-in, then sites, templates (editor with a live preview), leads and the
 * webhook, one view at a time by the URL's hash (`#/sites`, `#/templates/lead-intake`, `#/leads/sub_…`).
 *
 * @attr api - The gateway's origin. Default: the page's own (the gateway serves /console).
 * @attr lang - UI language: `en`, `es`, `fr` or `de`. A choice made in the header (kept in this browser) wins; default: the browser's language.
 * @attr theme - `auto` (default: follows `prefers-color-scheme`), `light` or `dark`; a choice made in the header (kept) wins.
 */
export class ConsoleApp extends LitElement {
  static override styles = [tokens, base, appStyles];

  static override properties = {
    api: {},
    lang: { reflect: true },
    theme: { reflect: true },
  };

  declare api: string;
  declare lang: string;
  declare theme: Theme;

  private readonly session: SessionController;
  private readonly router = new RouteController(this);
  private lastKind: SessionState['kind'] = 'restoring';

  constructor() {
    super();
    this.api = '';
    this.lang = '';
    this.theme = 'auto';
    this.session = new SessionController(this, () => this.apiBase);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The last choices in this browser win over the attributes; the language defaults to the browser's.
    const prefs = readPrefs();
    this.lang = pickLocale(prefs.lang, this.lang, navigator.language);
    if (prefs.theme && ['auto', 'light', 'dark'].includes(prefs.theme)) this.theme = prefs.theme;
  }

  private get apiBase(): string {
    return (this.getAttribute('api') || location.origin).replace(/\/+$/, '');
  }

  private get strings(): Strings {
    return LOCALES[this.lang] ?? LOCALES.en!;
  }

  private savePrefs(): void {
    try {
      localStorage.setItem(PREFS_KEY, JSON.stringify({ lang: this.lang, theme: this.theme }));
    } catch {
      // not kept: fine
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('lang')) {
      this.lang = pickLocale(this.lang);
      document.documentElement.lang = this.lang;
    }
  }

  protected override updated(): void {
    document.title = `${this.viewTitle()} · ${this.strings.appName}`;
    // Signing in or out replaces the whole view, like a navigation: its heading takes the focus
    // (not when a reload restores the session: a page load leaves the focus alone).
    const kind = this.session.state.kind;
    const crossed = (this.lastKind === 'signing-in' && kind === 'signed-in') || (this.lastKind === 'signed-in' && kind === 'signed-out');
    this.lastKind = kind;
    if (this.router.navigated || crossed) {
      this.router.navigated = false;
      void this.renderRoot.querySelector<ConsoleView>('main > *')?.focusHeading?.();
    }
  }

  private viewTitle(): string {
    const s = this.strings;
    if (this.session.state.kind !== 'signed-in') return s.signInTitle;
    const { view, id } = this.router.route;
    switch (view) {
      case 'sites':
        return s.navSites;
      case 'templates':
        return s.navTemplates;
      case 'template':
        return s.editorTitle(id ?? '');
      case 'leads':
        return s.navLeads;
      case 'lead':
        return s.leadTitle;
      case 'webhook':
        return s.navWebhook;
      default:
        return s.notFound;
    }
  }

  private onLang(e: Event): void {
    this.lang = (e.target as HTMLSelectElement).value;
    this.savePrefs();
  }

  private onTheme(e: Event): void {
    this.theme = (e.target as HTMLSelectElement).value as Theme;
    this.savePrefs();
  }

  private skipToMain(): void {
    this.renderRoot.querySelector<HTMLElement>('main')?.focus();
  }

  private renderPrefs(s: Strings): TemplateResult {
    return html`<div class="prefs">
      <label class="pref"
        ><span>${s.language}</span>
        <select @change=${this.onLang}>
          ${Object.entries(LANGUAGE_NAMES).map(([code, name]) => html`<option value=${code} lang=${code} ?selected=${code === this.lang}>${name}</option>`)}
        </select></label
      >
      <label class="pref"
        ><span>${s.theme}</span>
        <select @change=${this.onTheme}>
          <option value="auto" ?selected=${this.theme === 'auto'}>${s.themeAuto}</option>
          <option value="light" ?selected=${this.theme === 'light'}>${s.themeLight}</option>
          <option value="dark" ?selected=${this.theme === 'dark'}>${s.themeDark}</option>
        </select></label
      >
    </div>`;
  }

  private renderView(s: Strings): TemplateResult {
    const state = this.session.state;
    if (state.kind !== 'signed-in') return html`<console-sign-in .session=${this.session} .state=${state} .strings=${s} locale=${this.lang}></console-sign-in>`;
    const client = state.client;
    const { view, id } = this.router.route;
    switch (view) {
      case 'sites':
        return html`<console-sites .client=${client} .strings=${s} locale=${this.lang}></console-sites>`;
      case 'templates':
        return html`<console-templates .client=${client} .strings=${s} locale=${this.lang} .navigate=${(h: string) => this.router.go(h)}></console-templates>`;
      case 'template':
        return html`<console-template-editor
          .client=${client}
          .strings=${s}
          locale=${this.lang}
          theme=${this.theme}
          .api=${this.apiBase}
          template-id=${id ?? ''}
        ></console-template-editor>`;
      case 'leads':
        return html`<console-leads .client=${client} .strings=${s} locale=${this.lang}></console-leads>`;
      case 'lead':
        return html`<console-lead .client=${client} .strings=${s} locale=${this.lang} lead-id=${id ?? ''} .navigate=${(h: string) => this.router.go(h)}></console-lead>`;
      case 'webhook':
        return html`<console-webhook .client=${client} .strings=${s} locale=${this.lang}></console-webhook>`;
      default:
        return html`<section class="not-found"><h1 tabindex="-1">${s.notFound}</h1><p><a href=${href('sites')}>${s.navSites}</a></p></section>`;
    }
  }

  protected override render(): TemplateResult {
    const s = this.strings;
    const state = this.session.state;
    const signedIn = state.kind === 'signed-in';
    const current = this.router.route.view;
    return html`<header class="top">
        <button type="button" class="skip" @click=${this.skipToMain}>${s.skipToContent}</button>
        <div class="brand">
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6c-.5.4-1.3 0-1.3-.6V16A2.5 2.5 0 0 1 4 13.5z" /></svg>
          <span class="app-name">${s.appName}</span>
          ${signedIn ? html`<span class="tenant"><span class="sr-only">${s.signedInTo} </span>${state.tenant.name}</span>` : nothing}
        </div>
        ${
          signedIn
            ? html`<nav aria-label=${s.mainNav}>
              <ul>
                ${NAV.map(
                  (n) =>
                    html`<li><a href=${href(n.view)} aria-current=${n.view === current || n.also.includes(current) ? 'page' : 'false'}>${n.label(s)}</a></li>`,
                )}
              </ul>
            </nav>`
            : nothing
        }
        ${this.renderPrefs(s)}
        ${signedIn ? html`<button type="button" class="sign-out" @click=${() => this.session.signOut()}>${s.signOut}</button>` : nothing}
      </header>
      <main id="main" tabindex="-1">
        ${state.kind === 'restoring' ? html`<p class="muted" role="status">${s.loading}</p>` : this.renderView(s)}
      </main>`;
  }
}
