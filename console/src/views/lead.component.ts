import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { SubmissionDetail } from '@chat/shared';
import { flash } from '../controllers/flash.js';
import { LeadController } from '../controllers/lead.controller.js';
import { href } from '../controllers/route.controller.js';
import type { Strings } from '../i18n/strings.js';
import type { ConfirmDialog } from '../ui/confirm-dialog.component.js';
import { ConsoleView } from './console-view.js';
import { statusBadge } from './leads.component.js';
import { leadStyles } from './lead.styles.js';

const show = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));

/**
 * `<console-lead>`: one lead: the data collected, where the visitor was (visitor context), the
 * details (status, site, template version, times) and the conversation; erase behind a confirmation.
 *
 * @attr lead-id - The submission id (`sub_…`).
 * @prop navigate - Goes to a hash route (back to the list after an erase).
 */
export class LeadView extends ConsoleView {
  static override styles = [...ConsoleView.styles, leadStyles];

  static override properties = { ...ConsoleView.properties, leadId: { attribute: 'lead-id' }, navigate: { attribute: false } };

  declare leadId: string;
  declare navigate: (hash: string) => void;

  private readonly lead = new LeadController(this);

  constructor() {
    super();
    this.leadId = '';
    this.navigate = (h) => (location.hash = h);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('leadId') && this.leadId) void this.lead.load(this.leadId);
  }

  private async onErase(): Promise<void> {
    const s = this.strings;
    const ok = await this.renderRoot.querySelector<ConfirmDialog>('console-confirm')!.ask({
      title: s.eraseTitle,
      message: s.eraseMessage,
      confirm: s.erase,
      cancel: s.cancel,
      danger: true,
    });
    if (!ok) return;
    if (await this.lead.erase()) {
      flash.set(s.erased);
      this.navigate(href('leads'));
    }
  }

  private renderContext(lead: SubmissionDetail, s: Strings): TemplateResult {
    const c = lead.context ?? {};
    const attrs = Object.entries(c.attributes ?? {});
    return html`<section class="card" aria-labelledby="context-title">
      <h2 id="context-title">${s.visitorContext}</h2>
      <dl class="props">
        <dt>${s.pageUrl}</dt>
        <dd>${c.url ? html`<code>${c.url}</code>` : s.none}</dd>
        <dt>${s.referrer}</dt>
        <dd>${c.referrer ? html`<code>${c.referrer}</code>` : s.none}</dd>
        <dt>${s.visitorLanguage}</dt>
        <dd>${c.language ?? s.none}</dd>
        <dt>${s.attributes}</dt>
        <dd>${attrs.length ? html`<ul class="plain">${attrs.map(([k, v]) => html`<li><code>${k}</code>: ${show(v)}</li>`)}</ul>` : s.none}</dd>
      </dl>
    </section>`;
  }

  private renderConversation(lead: SubmissionDetail, s: Strings): TemplateResult {
    const transcript = lead.transcript ?? [];
    return html`<section class="card" aria-labelledby="conversation-title">
      <h2 id="conversation-title">${s.conversation}</h2>
      ${
        transcript.length
          ? html`<ol class="transcript">
            ${transcript.map(
              (m) => html`<li class=${m.role}>
                <span class="who">${m.role === 'user' ? s.visitor : s.assistant}</span>
                <p>${m.text}</p>
              </li>`,
            )}
          </ol>`
          : html`<p class="muted">${s.noTranscript}</p>`
      }
    </section>`;
  }

  protected override render(): TemplateResult {
    const s = this.strings;
    const l = this.lead.lead;
    const back = html`<p class="back"><a href=${href('leads')}>← ${s.allLeads}</a></p>`;
    if (l.status === 'loading') return html`${back}<h1 tabindex="-1">${s.leadTitle}</h1><p class="muted">${s.loading}</p>`;
    if (l.status === 'error') return html`${back}<h1 tabindex="-1">${s.leadTitle}</h1><p class="message error" role="alert">${s.failed(l.message)}</p>`;
    const lead = l.value;
    const data = Object.entries(lead.data);
    return html`${back}
      <div class="head">
        <div>
          <h1 tabindex="-1">${s.leadTitle} · ${this.when(lead.createdAt)}</h1>
          <p>${statusBadge(lead.status, s)} <code class="id">${lead.id}</code></p>
        </div>
        <button type="button" class="danger" ?disabled=${this.lead.erasing} @click=${this.onErase}>${s.eraseLead}</button>
      </div>
      ${this.lead.eraseError ? html`<p class="message error" role="alert">${s.failed(this.lead.eraseError)}</p>` : nothing}
      <div class="columns">
        <div>
          <section class="card" aria-labelledby="data-title">
            <h2 id="data-title">${s.leadData}</h2>
            ${
              data.length
                ? html`<dl class="props data">${data.map(([k, v]) => html`<dt>${k}</dt><dd data-field=${k}>${show(v)}</dd>`)}</dl>`
                : html`<p class="muted">${s.noData}</p>`
            }
          </section>
          ${this.renderContext(lead, s)}
          <section class="card" aria-labelledby="details-title">
            <h2 id="details-title">${s.details}</h2>
            <dl class="props">
              <dt>${s.site}</dt>
              <dd>${lead.siteId}</dd>
              <dt>${s.template}</dt>
              <dd><a href=${href('templates', lead.templateId)}>${lead.templateId}</a> · ${s.versionLabel(lead.templateVersion)}</dd>
              <dt>${s.session}</dt>
              <dd><code>${lead.sessionId}</code></dd>
              <dt>${s.received}</dt>
              <dd>${this.when(lead.createdAt)}</dd>
              ${lead.completedAt ? html`<dt>${s.completedAt}</dt><dd>${this.when(lead.completedAt)}</dd>` : nothing}
              <dt>${s.updatedAt}</dt>
              <dd>${this.when(lead.updatedAt)}</dd>
            </dl>
          </section>
        </div>
        ${this.renderConversation(lead, s)}
      </div>
      <console-confirm></console-confirm>`;
  }
}
