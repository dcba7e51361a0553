import { html, nothing, type TemplateResult } from 'lit';
import type { Submission } from '@chat/shared';
import { flash } from '../controllers/flash.js';
import { leadSummary } from '../format.js';
import { LeadsController, NO_FILTERS, type LeadFilters } from '../controllers/leads.controller.js';
import { href } from '../controllers/route.controller.js';
import type { Strings } from '../i18n/strings.js';
import { ConsoleView } from './console-view.js';
import { leadsStyles } from './leads.styles.js';

export const statusBadge = (status: string, s: Strings) =>
  html`<span class="badge ${status === 'complete' ? 'ok' : 'warn'}">${status === 'complete' ? s.statusComplete : s.statusAbandoned}</span>`;

/**
 * `<console-leads>`: the submissions, newest first: filters by status, site and dates, cursor
 * paging, CSV and NDJSON downloads of the filtered set; each row opens the lead.
 */
export class LeadsView extends ConsoleView {
  static override styles = [...ConsoleView.styles, leadsStyles];

  static override properties = { ...ConsoleView.properties, _notice: { state: true } };

  declare private _notice: string | null;

  private readonly leads = new LeadsController(this);

  constructor() {
    super();
    this._notice = flash.take();
  }

  private onFilter(): void {
    const form = this.renderRoot.querySelector<HTMLFormElement>('form.filters')!;
    const v = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value;
    this._notice = null;
    this.leads.setFilters({ status: v('status') as LeadFilters['status'], site: v('site'), from: v('from'), to: v('to') });
  }

  private clear(): void {
    this.renderRoot.querySelector<HTMLFormElement>('form.filters')?.reset();
    this.leads.setFilters(NO_FILTERS);
  }

  private renderFilters(s: Strings): TemplateResult {
    const f = this.leads.filters;
    return html`<form class="filters card" @change=${this.onFilter} @submit=${(e: Event) => e.preventDefault()}>
      <fieldset>
        <legend>${s.filters}</legend>
        <div class="filter-row">
          <div class="field">
            <label for="status">${s.status}</label>
            <select id="status" name="status">
              <option value="" ?selected=${!f.status}>${s.statusAll}</option>
              <option value="complete" ?selected=${f.status === 'complete'}>${s.statusComplete}</option>
              <option value="abandoned" ?selected=${f.status === 'abandoned'}>${s.statusAbandoned}</option>
            </select>
          </div>
          <div class="field">
            <label for="site">${s.site}</label>
            <select id="site" name="site">
              <option value="" ?selected=${!f.site}>${s.allSites}</option>
              ${this.leads.sites.map((site) => html`<option value=${site.id} ?selected=${f.site === site.id}>${site.id}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="from">${s.from}</label>
            <input id="from" name="from" type="date" .value=${f.from} />
          </div>
          <div class="field">
            <label for="to">${s.to}</label>
            <input id="to" name="to" type="date" .value=${f.to} />
          </div>
          <button type="button" class="clear" @click=${this.clear}>${s.clearFilters}</button>
        </div>
      </fieldset>
    </form>`;
  }

  private renderRow(sub: Submission, s: Strings): TemplateResult {
    const when = this.when(sub.createdAt);
    return html`<tr data-id=${sub.id}>
      <td data-label=${s.received}><a href=${href('leads', sub.id)} aria-label=${s.openLead(when)}>${when}</a></td>
      <td data-label=${s.status}>${statusBadge(sub.status, s)}</td>
      <td data-label=${s.site}>${sub.siteId}</td>
      <td data-label=${s.data} class="data">${leadSummary(sub.data)}</td>
    </tr>`;
  }

  protected override render(): TemplateResult {
    const s = this.strings;
    const l = this.leads;
    const page = l.page;
    return html`<h1 tabindex="-1">${s.leadsTitle}</h1>
      <p class="intro">${s.leadsIntro}</p>
      <div role="status">${this._notice ? html`<p class="message ok">${this._notice}</p>` : nothing}</div>
      ${this.renderFilters(s)}
      <div class="downloads actions">
        <button type="button" ?disabled=${l.downloading !== null} @click=${() => l.download('csv')}>${s.downloadCsv}</button>
        <button type="button" ?disabled=${l.downloading !== null} @click=${() => l.download('ndjson')}>${s.downloadNdjson}</button>
        <span role="status" class="muted">${l.downloading ? s.downloading : ''}</span>
        ${l.downloadError ? html`<p class="message error" role="alert">${s.failed(l.downloadError)}</p>` : nothing}
      </div>
      <div class="card table-card">
        ${
          page.status === 'loading'
            ? html`<p class="muted" role="status">${s.loading}</p>`
            : page.status === 'error'
              ? html`<p class="message error" role="alert">${s.failed(page.message)} <button type="button" @click=${() => l.load()}>${s.retry}</button></p>`
              : page.value.items.length
                ? html`<table class="stack leads">
                  <caption>${s.leadsCaption}</caption>
                  <thead>
                    <tr><th scope="col">${s.received}</th><th scope="col">${s.status}</th><th scope="col">${s.site}</th><th scope="col">${s.data}</th></tr>
                  </thead>
                  <tbody>${page.value.items.map((sub) => this.renderRow(sub, s))}</tbody>
                </table>`
                : html`<p class="muted empty">${s.noLeads}</p>`
        }
        <nav class="pager actions" aria-label=${s.pages}>
          <button type="button" ?disabled=${!l.hasNewer} @click=${() => l.newer()}>← ${s.newer}</button>
          <span class="muted">${s.page(l.pageNumber)}</span>
          <button type="button" ?disabled=${!l.hasOlder} @click=${() => l.older()}>${s.older} →</button>
        </nav>
      </div>`;
  }
}
