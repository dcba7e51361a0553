import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { PathError, Template } from '@chat/shared';
import { TemplateController } from '../controllers/template.controller.js';
import {
  addField,
  errorsUnder,
  fieldEntries,
  moveField,
  parseEnum,
  parseNumber,
  placeholders,
  removeField,
  renameField,
  setAssistant,
  setFieldProp,
  setFieldType,
  setText,
  toDraft,
  type FieldProp,
} from '../controllers/template-draft.js';
import type { Strings } from '../i18n/strings.js';
import { ConsoleView } from './console-view.js';
import { renderField } from './field-form.js';
import { templateEditorStyles } from './template-editor.styles.js';

/**
 * `<console-template-editor>`: one template. The form (assistant, greeting, completion message,
 * fields) and the raw JSON edit the same draft; the shared validator runs on every edit and each
 * problem shows at its input. Beside it, the live preview runs the draft in the real widget.
 * Publishing makes the next version; the versions are listed and any can be loaded back.
 *
 * @attr template-id - The template to edit (a new id starts from a starter draft).
 * @prop api - The gateway's origin, for the preview widget.
 */
export class TemplateEditorView extends ConsoleView {
  static override styles = [...ConsoleView.styles, templateEditorStyles];

  static override properties = {
    ...ConsoleView.properties,
    templateId: { attribute: 'template-id' },
    api: {},
    _nameErrors: { state: true },
    _notice: { state: true },
  };

  declare templateId: string;
  declare api: string;
  /** By field index: the name typed there is empty or taken, so the draft keeps the old one. */
  declare private _nameErrors: Map<number, string>;
  declare private _notice: string | null;

  private readonly tpl = new TemplateController(this);

  constructor() {
    super();
    this.templateId = '';
    this.api = '';
    this._nameErrors = new Map();
    this._notice = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('templateId') && this.templateId) {
      this._nameErrors = new Map();
      this._notice = null;
      void this.tpl.load(this.templateId);
    }
  }

  private get valid(): boolean {
    return !this.tpl.jsonError && this.tpl.errors.length === 0 && this._nameErrors.size === 0;
  }

  private edit(draft: ReturnType<typeof toDraft>, structural = false): void {
    if (structural) this._nameErrors = new Map();
    this._notice = null;
    this.tpl.setDraft(draft);
  }

  private onName(index: number, value: string): void {
    const next = renameField(this.tpl.draft, index, value);
    const errors = new Map(this._nameErrors);
    if (next) errors.delete(index);
    else errors.set(index, value ? this.strings.nameTaken(value) : this.strings.nameEmpty);
    this._nameErrors = errors;
    if (next) this.edit(next);
  }

  private onProp(index: number, prop: FieldProp, raw: string | boolean): void {
    const d = this.tpl.draft;
    const type = fieldEntries(d)[index]?.def.type;
    let value: unknown;
    if (prop === 'required') value = raw === true ? true : undefined;
    else if (prop === 'enum') value = parseEnum(String(raw), type);
    else if (prop === 'minimum' || prop === 'maximum' || prop === 'minLength' || prop === 'maxLength') value = parseNumber(String(raw));
    else value = raw === '' ? undefined : raw;
    this.edit(setFieldProp(d, index, prop, value));
  }

  private async onAddField(): Promise<void> {
    const { draft, index } = addField(this.tpl.draft);
    this.edit(draft, true);
    await this.updateComplete;
    const input = this.renderRoot.querySelector<HTMLInputElement>(`#f${index}-name`);
    input?.focus();
    input?.select();
  }

  private async onRemove(index: number): Promise<void> {
    this.edit(removeField(this.tpl.draft, index), true);
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#add-field')?.focus();
  }

  private async onMove(index: number, delta: -1 | 1): Promise<void> {
    this.edit(moveField(this.tpl.draft, index, delta), true);
    await this.updateComplete;
    // Keep focus on the same button of the moved field, so the move can be repeated.
    const buttons = this.renderRoot.querySelectorAll<HTMLButtonElement>(`[data-field-index="${index + delta}"] .field-actions button`);
    (buttons[delta < 0 ? 0 : 1] ?? buttons[0])?.focus();
  }

  private loadVersion(t: Template): void {
    this.edit(toDraft(t), true);
    this._notice = this.strings.versionLoaded(t.version);
  }

  /** Focus the input that edits `path`, or the nearest one above it. */
  private goTo(path: string): void {
    for (let p = path; p; p = p.slice(0, p.lastIndexOf('/'))) {
      const el = this.renderRoot.querySelector<HTMLElement>(`[data-path="${CSS.escape(p)}"]`);
      if (el) return el.focus();
    }
    this.renderRoot.querySelector<HTMLElement>('#json')?.focus();
  }

  private textInput(opts: {
    id: string;
    path: string;
    label: string;
    value: string;
    hint?: string;
    area?: boolean;
    onInput: (v: string) => void;
    errors: PathError[];
  }): TemplateResult {
    const m = errorsUnder(opts.errors, opts.path).map((e) => e.message);
    const describedby = [opts.hint ? `${opts.id}-hint` : '', m.length ? `${opts.id}-err` : ''].filter(Boolean).join(' ') || nothing;
    const handler = (e: Event) => opts.onInput((e.target as HTMLInputElement | HTMLTextAreaElement).value);
    return html`<div class="field">
      <label for=${opts.id}>${opts.label}</label>
      ${
        opts.area
          ? html`<textarea id=${opts.id} rows="2" data-path=${opts.path} aria-invalid=${m.length ? 'true' : 'false'} aria-describedby=${describedby} .value=${opts.value} @input=${handler}></textarea>`
          : html`<input id=${opts.id} type="text" data-path=${opts.path} aria-invalid=${m.length ? 'true' : 'false'} aria-describedby=${describedby} .value=${opts.value} @input=${handler} />`
      }
      ${opts.hint ? html`<span class="hint" id="${opts.id}-hint">${opts.hint}</span>` : nothing}
      ${m.length ? html`<p class="error" id="${opts.id}-err">${m.join(' · ')}</p>` : nothing}
    </div>`;
  }

  private renderAssistant(s: Strings, errors: PathError[]): TemplateResult {
    const d = this.tpl.draft;
    const a = (typeof d.assistant === 'object' && d.assistant ? d.assistant : {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    const names = placeholders(d);
    return html`<section class="card" aria-labelledby="assistant-title">
      <h2 id="assistant-title">${s.assistantSection}</h2>
      <div class="row">
        ${this.textInput({ id: 'a-name', path: '/assistant/name', label: s.assistantName, value: str(a.name), errors, onInput: (v) => this.edit(setAssistant(this.tpl.draft, 'name', v)) })}
        ${this.textInput({ id: 'a-persona', path: '/assistant/persona', label: s.persona, value: str(a.persona), hint: s.personaHint, errors, onInput: (v) => this.edit(setAssistant(this.tpl.draft, 'persona', v)) })}
      </div>
      ${this.textInput({ id: 'greeting', path: '/greeting', label: s.greeting, value: str(d.greeting), area: true, errors, onInput: (v) => this.edit(setText(this.tpl.draft, 'greeting', v)) })}
      ${this.textInput({
        id: 'complete',
        path: '/complete',
        label: s.completeMessage,
        value: str(d.complete),
        area: true,
        hint: names.length ? s.placeholdersHint(names.join(' ')) : s.noFieldsForPlaceholders,
        errors,
        onInput: (v) => this.edit(setText(this.tpl.draft, 'complete', v)),
      })}
    </section>`;
  }

  private renderFields(s: Strings, errors: PathError[]): TemplateResult {
    const entries = fieldEntries(this.tpl.draft);
    const sectionErrors = errors.filter((e) => e.path === '/fields');
    return html`<section class="card" aria-labelledby="fields-title">
      <h2 id="fields-title">${s.fieldsSection}</h2>
      ${sectionErrors.length ? html`<p class="error" data-path="/fields" tabindex="-1">${sectionErrors.map((e) => e.message).join(' · ')}</p>` : nothing}
      ${entries.map((entry, index) =>
        renderField({
          s,
          index,
          count: entries.length,
          entry,
          errors: errorsUnder(errors, `/fields/${entry.name}`),
          nameError: this._nameErrors.get(index) ?? null,
          onName: (i, v) => this.onName(i, v),
          onType: (i, v) => this.edit(setFieldType(this.tpl.draft, i, v)),
          onProp: (i, p, v) => this.onProp(i, p, v),
          onMove: (i, d) => void this.onMove(i, d),
          onRemove: (i) => void this.onRemove(i),
        }),
      )}
      <button type="button" id="add-field" @click=${this.onAddField}>+ ${s.addField}</button>
    </section>`;
  }

  private renderJson(s: Strings): TemplateResult {
    const t = this.tpl;
    return html`<section class="card" aria-labelledby="json-title">
      <h2 id="json-title">${s.jsonSection}</h2>
      <label for="json">${s.jsonLabel}</label>
      <textarea id="json" class="code" rows="18" spellcheck="false" data-path="/" aria-invalid=${t.jsonError ? 'true' : 'false'}
        aria-describedby="json-hint ${t.jsonError ? 'json-err' : ''}" .value=${t.jsonText}
        @input=${(e: Event) => t.setJson((e.target as HTMLTextAreaElement).value, { notObject: s.jsonNotObject })}></textarea>
      <span class="hint" id="json-hint">${s.jsonHint}</span>
      ${t.jsonError ? html`<p class="error" id="json-err">${t.jsonError === s.jsonNotObject ? t.jsonError : s.jsonInvalid(t.jsonError)}</p>` : nothing}
    </section>`;
  }

  private renderBar(s: Strings, problems: PathError[]): TemplateResult {
    const t = this.tpl;
    const blocked = problems.length + this._nameErrors.size + (t.jsonError ? 1 : 0);
    const count = problems.length + this._nameErrors.size;
    return html`<div class="bar card">
      <div class="badges">
        ${t.latestVersion ? html`<span class="badge ok">${s.versionPublished(t.latestVersion)}</span>` : html`<span class="badge neutral">${s.notPublished}</span>`}
        ${t.dirty ? html`<span class="badge warn">${s.unsaved}</span>` : nothing}
      </div>
      <button type="button" class="primary publish" ?disabled=${!t.canPublish || blocked > 0} @click=${() => t.publish()}>
        ${t.publishing ? s.publishing : s.publish(t.latestVersion + 1)}
      </button>
      <div class="outcome" role="status">
        ${t.justPublished ? html`<p class="message ok">${s.published(t.justPublished)}</p>` : nothing}
        ${this._notice ? html`<p class="message ok">${this._notice}</p>` : nothing}
        ${t.publishError ? html`<p class="message error">${s.publishFailed} ${t.publishError}</p>` : nothing}
      </div>
      <div class="problems">
        <p class=${count ? 'error' : 'muted'} aria-live="polite">${count ? s.problems(count) : s.noProblems}</p>
        ${
          problems.length
            ? html`<ul>
              ${problems.map((p) => html`<li><button type="button" class="link" @click=${() => this.goTo(p.path)}><code>${p.path}</code></button> ${p.message}</li>`)}
            </ul>`
            : nothing
        }
      </div>
    </div>`;
  }

  private renderVersions(s: Strings): TemplateResult | typeof nothing {
    const versions = this.tpl.versions;
    if (!versions.length) return nothing;
    return html`<section class="card versions" aria-labelledby="versions-title">
      <h2 id="versions-title">${s.versionsSection}</h2>
      <ol>
        ${versions.map(
          ({ version, template }) => html`<li data-version=${version}>
          <div class="version-head">
            <strong>${s.versionLabel(version)}</strong>
            ${version === this.tpl.latestVersion ? html`<span class="badge ok">${s.latest}</span>` : nothing}
          </div>
          ${
            template.status === 'ready'
              ? html`<p class="muted">${s.fieldsList(
                  Object.entries(template.value.fields)
                    .map(([n, f]) => (f.required ? `${n}*` : n))
                    .join(', '),
                )}</p>
                <details><summary>JSON</summary><pre>${JSON.stringify(template.value, null, 2)}</pre></details>
                <button type="button" @click=${() => this.loadVersion(template.value)}>${s.loadVersion(version)}</button>`
              : template.status === 'error'
                ? html`<p class="error">${s.failed(template.message)}</p>`
                : html`<p class="muted">${s.loading}</p>`
          }
        </li>`,
        )}
      </ol>
    </section>`;
  }

  protected override render(): TemplateResult {
    const s = this.strings;
    const t = this.tpl;
    const head = html`<h1 tabindex="-1">${s.editorTitle(this.templateId)}</h1>`;
    if (t.latest.status === 'loading') return html`${head}<p class="muted">${s.loading}</p>`;
    if (t.latest.status === 'error')
      return html`${head}<p class="message error" role="alert">${s.failed(t.latest.message)} <button type="button" @click=${() => t.load(this.templateId)}>${s.retry}</button></p>`;
    const problems = t.problems;
    return html`${head}
      <div class="layout">
        <div class="editor">
          ${this.renderBar(s, problems)} ${this.renderAssistant(s, problems)} ${this.renderFields(s, problems)} ${this.renderJson(s)} ${this.renderVersions(s)}
        </div>
        <aside class="side card" aria-label=${s.previewSection}>
          <console-preview
            .client=${this.client}
            .draft=${t.draft}
            .valid=${this.valid}
            .strings=${s}
            api=${this.api}
            locale=${this.locale}
            theme=${this.theme}
          ></console-preview>
        </aside>
      </div>`;
  }
}
