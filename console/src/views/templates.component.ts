import { html, nothing, type TemplateResult } from 'lit';
import { href } from '../controllers/route.controller.js';
import { TEMPLATE_ID, TemplatesController } from '../controllers/templates.controller.js';
import { ConsoleView } from './console-view.js';
import { templatesStyles } from './templates.styles.js';

/**
 * `<console-templates>`: the tenant's templates (id, latest version, last publish) and a form that
 * opens the editor on a new template id.
 *
 * @prop navigate - Goes to a hash route (the app's router).
 */
export class TemplatesView extends ConsoleView {
  static override styles = [...ConsoleView.styles, templatesStyles];

  static override properties = { ...ConsoleView.properties, navigate: { attribute: false }, _idError: { state: true } };

  declare navigate: (hash: string) => void;
  declare private _idError: string | null;

  private readonly templates = new TemplatesController(this);

  constructor() {
    super();
    this.navigate = (h) => (location.hash = h);
    this._idError = null;
  }

  private onCreate(e: SubmitEvent): void {
    e.preventDefault();
    const s = this.strings;
    const input = this.renderRoot.querySelector<HTMLInputElement>('#new-template')!;
    const id = input.value.trim();
    const list = this.templates.list.status === 'ready' ? this.templates.list.value : [];
    this._idError = !TEMPLATE_ID.test(id) ? s.templateIdInvalid : list.some((t) => t.id === id) ? s.templateIdTaken : null;
    if (this._idError) {
      input.focus();
      return;
    }
    this.navigate(href('templates', id));
  }

  protected override render(): TemplateResult {
    const s = this.strings;
    const l = this.templates.list;
    return html`<h1 tabindex="-1">${s.templatesTitle}</h1>
      <p class="intro">${s.templatesIntro}</p>
      ${
        l.status === 'loading'
          ? html`<p class="muted">${s.loading}</p>`
          : l.status === 'error'
            ? html`<p class="message error" role="alert">${s.failed(l.message)}</p>`
            : l.value.length
              ? html`<div class="card"><table class="stack">
                <caption class="sr-only">${s.templatesTitle}</caption>
                <thead><tr><th scope="col">${s.templateId}</th><th scope="col">${s.latestVersion}</th><th scope="col">${s.updated}</th></tr></thead>
                <tbody>
                  ${l.value.map(
                    (t) => html`<tr>
                      <td data-label=${s.templateId}><a href=${href('templates', t.id)}>${t.id}</a></td>
                      <td data-label=${s.latestVersion}>${t.latestVersion}</td>
                      <td data-label=${s.updated}>${this.when(t.updatedAt)}</td>
                    </tr>`,
                  )}
                </tbody>
              </table></div>`
              : html`<p class="card muted">${s.noTemplatesYet}</p>`
      }
      <section class="card" aria-labelledby="new-title">
        <h2 id="new-title">${s.newTemplate}</h2>
        <form class="new" @submit=${this.onCreate} novalidate>
          <div class="field">
            <label for="new-template">${s.newTemplateId}</label>
            <input id="new-template" type="text" autocomplete="off" spellcheck="false" aria-invalid=${this._idError ? 'true' : 'false'}
              aria-describedby="new-template-hint ${this._idError ? 'new-template-error' : ''}" />
            <span class="hint" id="new-template-hint">${s.templateIdHint}</span>
            ${this._idError ? html`<p class="error" id="new-template-error">${this._idError}</p>` : nothing}
          </div>
          <button class="primary" type="submit">${s.create}</button>
        </form>
      </section>`;
  }
}
