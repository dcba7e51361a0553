import { html, nothing, type TemplateResult } from 'lit';
import { WEBHOOK_EVENT_TYPES, type DeliveryView, type WebhookEventType, type WebhookView } from '@chat/shared';
import { WebhookController } from '../controllers/webhook.controller.js';
import type { Strings } from '../i18n/strings.js';
import type { ConfirmDialog } from '../ui/confirm-dialog.component.js';
import { ConsoleView } from './console-view.js';
import { webhookStyles } from './webhook.styles.js';

/**
 * `<console-webhook>`: where leads are POSTed: URL and event types, a test ping (with the
 * receiver's answer), the signing secret (shown once, with a copy button) and its rotation, and the
 * recent deliveries with their status and next retry.
 */
export class WebhookPage extends ConsoleView {
  static override styles = [...ConsoleView.styles, webhookStyles];

  static override properties = { ...ConsoleView.properties, _formError: { state: true }, _notice: { state: true } };

  declare private _formError: { field: 'url' | 'events'; message: string } | null;
  declare private _notice: string | null;

  private readonly hook = new WebhookController(this);

  constructor() {
    super();
    this._formError = null;
    this._notice = null;
  }

  private eventLabel(e: string, s: Strings): string {
    return e === 'session.completed' ? s.eventCompleted : e === 'session.updated' ? s.eventUpdated : e === 'session.abandoned' ? s.eventAbandoned : e;
  }

  private async onSave(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const s = this.strings;
    const form = e.target as HTMLFormElement;
    const url = (form.elements.namedItem('url') as HTMLInputElement).value.trim();
    const events = WEBHOOK_EVENT_TYPES.filter((t) => form.querySelector<HTMLInputElement>(`input[value="${t}"]`)?.checked ?? false);
    this._notice = null;
    this._formError = !url ? { field: 'url', message: s.webhookUrlHint } : !events.length ? { field: 'events', message: s.eventsEmpty } : null;
    if (this._formError) return;
    if (await this.hook.save(url, events as WebhookEventType[])) {
      this._notice = s.webhookSaved;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('.secret button, #url')?.focus();
    } else this._formError = { field: 'url', message: this.hook.error ?? '' };
  }

  private async confirm(title: string, message: string, confirm: string): Promise<boolean> {
    return this.renderRoot.querySelector<ConfirmDialog>('console-confirm')!.ask({ title, message, confirm, cancel: this.strings.cancel, danger: true });
  }

  private async onRotate(): Promise<void> {
    const s = this.strings;
    if (!(await this.confirm(s.rotateTitle, s.rotateMessage, s.rotate))) return;
    this._notice = null;
    await this.hook.rotate();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('.secret console-copy-button')?.focus();
  }

  private async onRemove(): Promise<void> {
    const s = this.strings;
    if (!(await this.confirm(s.removeTitle, s.removeMessage, s.remove))) return;
    if (await this.hook.remove()) this._notice = s.webhookRemoved;
  }

  private renderForm(w: WebhookView | null, s: Strings): TemplateResult {
    const err = this._formError;
    const busy = this.hook.busy === 'save';
    return html`<form class="card" @submit=${this.onSave} novalidate>
      <div class="field">
        <label for="url">${s.webhookUrl}</label>
        <input id="url" name="url" type="url" inputmode="url" spellcheck="false" autocomplete="off" .value=${w?.url ?? ''}
          aria-invalid=${err?.field === 'url' ? 'true' : 'false'} aria-describedby="url-hint ${err?.field === 'url' ? 'url-err' : ''}" />
        <span class="hint" id="url-hint">${s.webhookUrlHint}</span>
        ${err?.field === 'url' ? html`<p class="error" id="url-err" role="alert">${err.message}</p>` : nothing}
      </div>
      <fieldset class="field events" aria-describedby=${err?.field === 'events' ? 'events-err' : nothing}>
        <legend>${s.events}</legend>
        ${WEBHOOK_EVENT_TYPES.map(
          (t) =>
            html`<label class="check"><input type="checkbox" name="events" value=${t} .checked=${w ? w.events.includes(t) : true} /> ${this.eventLabel(t, s)}</label>`,
        )}
        ${err?.field === 'events' ? html`<p class="error" id="events-err" role="alert">${err.message}</p>` : nothing}
      </fieldset>
      <button class="primary" type="submit" ?disabled=${busy}>${busy ? s.saving : s.save}</button>
    </form>`;
  }

  private renderSecret(secret: string, s: Strings): TemplateResult {
    return html`<section class="card secret" aria-labelledby="secret-title">
      <h2 id="secret-title">${s.secretTitle}</h2>
      <p class="message warn">${s.secretOnce}</p>
      <pre><code>${secret}</code></pre>
      <div class="actions">
        <console-copy-button .value=${secret} .label=${s.copySecret} .copiedLabel=${s.copied} .failedLabel=${s.copyFailed}></console-copy-button>
        <button type="button" @click=${() => this.hook.dismissSecret()}>${s.done}</button>
      </div>
    </section>`;
  }

  private renderTools(s: Strings): TemplateResult {
    const h = this.hook;
    const t = h.test;
    return html`<div class="card tools">
      <div class="actions">
        <button type="button" ?disabled=${h.busy !== null} @click=${() => h.sendTest()}>${h.busy === 'test' ? s.sending : s.sendTest}</button>
        <button type="button" ?disabled=${h.busy !== null} @click=${this.onRotate}>${s.rotateSecret}</button>
        <button type="button" class="danger" ?disabled=${h.busy !== null} @click=${this.onRemove}>${s.removeWebhook}</button>
      </div>
      <div role="status" class="test-result">
        ${
          t
            ? t.delivered
              ? html`<p class="message ok">${s.testDelivered(t.status)}</p>`
              : html`<p class="message error">${s.testFailed(t.error ?? (t.status ? `HTTP ${t.status}` : '?'))}</p>`
            : nothing
        }
      </div>
    </div>`;
  }

  private renderDelivery(d: DeliveryView, s: Strings): TemplateResult {
    const tone = d.status === 'delivered' ? 'ok' : d.status === 'pending' ? 'warn' : 'danger';
    return html`<tr>
      <td data-label=${s.event}><code>${d.type}</code></td>
      <td data-label=${s.status}><span class="badge ${tone}">${s.deliveryStatus[d.status]}</span></td>
      <td data-label=${s.attempts}>${d.attempts}</td>
      <td data-label=${s.lastAnswer}>${d.lastError ?? (d.lastStatus ? `HTTP ${d.lastStatus}` : '—')}</td>
      <td data-label=${s.nextRetry}>${d.status === 'pending' && d.nextAttemptAt ? this.whenShort(d.nextAttemptAt) : '—'}</td>
      <td data-label=${s.created}>${this.whenShort(d.createdAt)}</td>
    </tr>`;
  }

  private renderDeliveries(s: Strings): TemplateResult {
    const d = this.hook.deliveries;
    return html`<section class="card" aria-labelledby="deliveries-title">
      <div class="section-head">
        <h2 id="deliveries-title">${s.deliveries}</h2>
        <button type="button" @click=${() => this.hook.loadDeliveries()}>${s.refresh}</button>
      </div>
      ${
        d.status === 'loading'
          ? html`<p class="muted">${s.loading}</p>`
          : d.status === 'error'
            ? html`<p class="message error">${s.failed(d.message)}</p>`
            : d.value.length
              ? html`<div class="table-wrap"><table class="stack deliveries">
                <caption class="sr-only">${s.deliveriesCaption}</caption>
                <thead><tr>
                  <th scope="col">${s.event}</th><th scope="col">${s.status}</th><th scope="col">${s.attempts}</th>
                  <th scope="col">${s.lastAnswer}</th><th scope="col">${s.nextRetry}</th><th scope="col">${s.created}</th>
                </tr></thead>
                <tbody>${d.value.map((x) => this.renderDelivery(x, s))}</tbody>
              </table></div>`
              : html`<p class="muted">${s.noDeliveries}</p>`
      }
    </section>`;
  }

  protected override render(): TemplateResult {
    const s = this.strings;
    const w = this.hook.webhook;
    return html`<h1 tabindex="-1">${s.webhookTitle}</h1>
      <p class="intro">${s.webhookIntro}</p>
      <div role="status">${this._notice ? html`<p class="message ok">${this._notice}</p>` : nothing}</div>
      ${this.hook.error && this.hook.busy === null && !this._formError ? html`<p class="message error" role="alert">${s.failed(this.hook.error)}</p>` : nothing}
      ${
        w.status === 'loading'
          ? html`<p class="muted">${s.loading}</p>`
          : w.status === 'error'
            ? html`<p class="message error" role="alert">${s.failed(w.message)}</p>`
            : html`${w.value ? nothing : html`<p class="muted">${s.noWebhook}</p>`}
              <div class="columns">
                <div>
                  ${this.renderForm(w.value, s)}
                  ${this.hook.secret ? this.renderSecret(this.hook.secret, s) : nothing}
                  ${w.value ? this.renderTools(s) : nothing}
                </div>
                ${this.renderDeliveries(s)}
              </div>`
      }
      <console-confirm></console-confirm>`;
  }
}
