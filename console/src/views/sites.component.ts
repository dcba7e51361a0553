import { html, nothing, type TemplateResult } from 'lit';
import type { SiteView } from '@chat/shared';
import { AdminError } from '../api/admin-error.js';
import { href } from '../controllers/route.controller.js';
import { embedSnippet } from '../format.js';
import { SitesController, parseOrigins, validSiteId, type OriginsCheck } from '../controllers/sites.controller.js';
import type { Strings } from '../i18n/strings.js';
import type { ConfirmDialog } from '../ui/confirm-dialog.component.js';
import { ConsoleView } from './console-view.js';
import { sitesStyles } from './sites.styles.js';

type AddErrors = { id?: string; origins?: string; template?: string; form?: string };

/**
 * `<console-sites>`: the tenant's sites, each with its key, template, origins (editable), embed
 * snippet (with a copy button) and a delete behind a confirmation; and a form to add one.
 */
export class SitesView extends ConsoleView {
  static override styles = [...ConsoleView.styles, sitesStyles];

  static override properties = {
    ...ConsoleView.properties,
    _editing: { state: true },
    _editError: { state: true },
    _addErrors: { state: true },
    _notice: { state: true },
    _busy: { state: true },
  };

  declare private _editing: string | null;
  declare private _editError: string | null;
  declare private _addErrors: AddErrors;
  declare private _notice: string | null;
  declare private _busy: boolean;

  private readonly sites = new SitesController(this);

  constructor() {
    super();
    this._editing = null;
    this._editError = null;
    this._addErrors = {};
    this._notice = null;
    this._busy = false;
  }

  private originsProblem(check: OriginsCheck, s: Strings): string | undefined {
    if (check.ok) return undefined;
    return check.problem === 'empty' ? s.originsEmpty : s.originInvalid(check.origin);
  }

  private focusOn(selector: string): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(selector)?.focus());
  }

  private async onAdd(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const s = this.strings;
    const form = e.target as HTMLFormElement;
    const id = (form.elements.namedItem('id') as HTMLInputElement).value.trim();
    const originsCheck = parseOrigins((form.elements.namedItem('origins') as HTMLTextAreaElement).value);
    const template = (form.elements.namedItem('template') as HTMLSelectElement | null)?.value ?? '';
    const errors: AddErrors = {};
    if (!validSiteId(id)) errors.id = s.siteIdInvalid;
    const originsProblem = this.originsProblem(originsCheck, s);
    if (originsProblem) errors.origins = originsProblem;
    if (!template) errors.template = s.noTemplates;
    this._addErrors = errors;
    if (Object.keys(errors).length || !originsCheck.ok) {
      this.focusOn('form.add [aria-invalid="true"]');
      return;
    }
    this._busy = true;
    try {
      await this.sites.create(id, originsCheck.origins, template);
      form.reset();
      this._notice = s.siteAdded(id);
      this.focusOn(`#site-${id}`);
    } catch (err) {
      this._addErrors = err instanceof AdminError && err.code === 'already_exists' ? { id: err.message } : { form: s.failed((err as Error).message) };
      this.focusOn('form.add [aria-invalid="true"], form.add .message.error');
    } finally {
      this._busy = false;
    }
  }

  private startEdit(site: SiteView): void {
    this._editing = site.id;
    this._editError = null;
    this._notice = null;
    this.focusOn(`#origins-${site.id}`);
  }

  private async onSaveOrigins(e: SubmitEvent, site: SiteView): Promise<void> {
    e.preventDefault();
    const s = this.strings;
    const check = parseOrigins(this.renderRoot.querySelector<HTMLTextAreaElement>(`#origins-${site.id}`)!.value);
    this._editError = this.originsProblem(check, s) ?? null;
    if (!check.ok) return this.focusOn(`#origins-${site.id}`);
    this._busy = true;
    try {
      await this.sites.setOrigins(site.id, check.origins);
      this._editing = null;
      this._notice = s.originsSaved;
      this.focusOn(`#edit-${site.id}`);
    } catch (err) {
      this._editError = (err as Error).message;
    } finally {
      this._busy = false;
    }
  }

  private async onDelete(site: SiteView): Promise<void> {
    const s = this.strings;
    const ok = await this.renderRoot.querySelector<ConfirmDialog>('console-confirm')!.ask({
      title: s.deleteSiteTitle(site.id),
      message: s.deleteSiteMessage,
      confirm: s.deleteSite,
      cancel: s.cancel,
      danger: true,
    });
    if (!ok) return;
    try {
      await this.sites.remove(site.id);
      this._notice = s.siteDeleted(site.id);
      this.focusOn('h1');
    } catch (err) {
      this._notice = s.failed((err as Error).message);
    }
  }

  private renderOrigins(site: SiteView, s: Strings): TemplateResult {
    if (this._editing !== site.id)
      return html`<ul class="origins">
        ${site.origins.map((o) => html`<li><code>${o}</code></li>`)}
      </ul>`;
    const err = this._editError;
    return html`<form class="edit-origins" @submit=${(e: SubmitEvent) => this.onSaveOrigins(e, site)} novalidate>
      <label for="origins-${site.id}">${s.originsOnePerLine}</label>
      <textarea id="origins-${site.id}" rows="3" spellcheck="false" aria-invalid=${err ? 'true' : 'false'} aria-describedby="origins-${site.id}-hint ${err ? `origins-${site.id}-error` : ''}"
        .value=${site.origins.join('\n')}></textarea>
      <span class="hint" id="origins-${site.id}-hint">${s.originsHint}</span>
      ${err ? html`<p class="error" id="origins-${site.id}-error">${err}</p>` : nothing}
      <div class="actions">
        <button class="primary" type="submit" ?disabled=${this._busy}>${this._busy ? s.saving : s.save}</button>
        <button type="button" @click=${() => {
          this._editing = null;
          this.focusOn(`#edit-${site.id}`);
        }}>${s.cancel}</button>
      </div>
    </form>`;
  }

  private renderSite(site: SiteView, s: Strings): TemplateResult {
    const snippet = embedSnippet(this.client?.base ?? location.origin, site.siteKey);
    return html`<article class="card site" aria-labelledby="site-${site.id}" data-site=${site.id}>
      <h2 id="site-${site.id}" tabindex="-1">${site.id}</h2>
      <dl class="props">
        <dt>${s.siteKey}</dt>
        <dd><code>${site.siteKey}</code></dd>
        <dt>${s.siteTemplate}</dt>
        <dd><a href=${href('templates', site.template)}>${site.template}</a></dd>
        <dt>${s.origins}</dt>
        <dd>${this.renderOrigins(site, s)}</dd>
      </dl>
      <h3>${s.embedSnippet}</h3>
      <p class="hint">${s.embedHint}</p>
      <pre class="snippet"><code>${snippet}</code></pre>
      <div class="actions">
        <console-copy-button .value=${snippet} .label=${s.copySnippet} .copiedLabel=${s.copied} .failedLabel=${s.copyFailed}></console-copy-button>
        <span class="spacer"></span>
        ${this._editing === site.id ? nothing : html`<button type="button" id="edit-${site.id}" @click=${() => this.startEdit(site)}>${s.editOrigins}</button>`}
        <button type="button" class="danger" @click=${() => this.onDelete(site)}>${s.deleteSite}</button>
      </div>
    </article>`;
  }

  private renderAdd(templates: string[], s: Strings): TemplateResult {
    const e = this._addErrors;
    const inv = (k: keyof AddErrors) => (e[k] ? 'true' : 'false');
    return html`<section class="card add" aria-labelledby="add-title">
      <h2 id="add-title">${s.addSite}</h2>
      ${e.form ? html`<p class="message error" role="alert" tabindex="-1">${e.form}</p>` : nothing}
      <form class="add" @submit=${this.onAdd} novalidate>
        <div class="grid">
          <div class="field">
            <label for="new-id">${s.siteId}</label>
            <input id="new-id" name="id" type="text" autocomplete="off" spellcheck="false" aria-invalid=${inv('id')} aria-describedby="new-id-hint ${e.id ? 'new-id-error' : ''}" />
            <span class="hint" id="new-id-hint">${s.siteIdHint}</span>
            ${e.id ? html`<p class="error" id="new-id-error">${e.id}</p>` : nothing}
          </div>
          <div class="field">
            <label for="new-template">${s.siteTemplate}</label>
            <select id="new-template" name="template" aria-invalid=${inv('template')} aria-describedby=${e.template ? 'new-template-error' : nothing}>
              ${templates.map((t) => html`<option value=${t}>${t}</option>`)}
            </select>
            ${e.template ? html`<p class="error" id="new-template-error">${e.template}</p>` : nothing}
          </div>
        </div>
        <div class="field">
          <label for="new-origins">${s.originsOnePerLine}</label>
          <textarea id="new-origins" name="origins" rows="2" spellcheck="false" aria-invalid=${inv('origins')} aria-describedby="new-origins-hint ${e.origins ? 'new-origins-error' : ''}"></textarea>
          <span class="hint" id="new-origins-hint">${s.originsHint}</span>
          ${e.origins ? html`<p class="error" id="new-origins-error">${e.origins}</p>` : nothing}
        </div>
        <button class="primary" type="submit" ?disabled=${this._busy}>${s.addSite}</button>
      </form>
    </section>`;
  }

  protected override render(): TemplateResult {
    const s = this.strings;
    const d = this.sites.data;
    return html`<h1 tabindex="-1">${s.sitesTitle}</h1>
      <p class="intro">${s.sitesIntro}</p>
      <div role="status" class="notice-slot">${this._notice ? html`<p class="message ok">${this._notice}</p>` : nothing}</div>
      ${
        d.status === 'loading'
          ? html`<p class="muted">${s.loading}</p>`
          : d.status === 'error'
            ? html`<p class="message error" role="alert">${s.failed(d.message)} <button type="button" @click=${() => this.sites.load()}>${s.retry}</button></p>`
            : html`${d.value.sites.length ? d.value.sites.map((site) => this.renderSite(site, s)) : html`<p class="card muted">${s.noSites}</p>`}
            ${this.renderAdd(
              d.value.templates.map((t) => t.id),
              s,
            )}`
      }
      <console-confirm></console-confirm>`;
  }
}
