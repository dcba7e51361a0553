/**
 * One field of the template editor's form: name, type, description, required, and the keywords
 * that fit its type (format, allowed values, min/max or min/max length, pattern). Every input
 * carries the JSON Pointer it edits (`data-path`), and the validator's errors at that pointer are
 * shown under it and tied to it (`aria-describedby`, `aria-invalid`).
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { PathError } from '@chat/shared';
import { enumText, type FieldEntry, type FieldProp } from '../controllers/template-draft.js';
import type { Strings } from '../i18n/strings.js';

export interface FieldFormContext {
  s: Strings;
  index: number;
  count: number;
  entry: FieldEntry;
  /** The problems under `/fields/<name>`. */
  errors: PathError[];
  /** The console's own objection to the name being typed (empty, taken). */
  nameError: string | null;
  onName(index: number, value: string): void;
  onType(index: number, value: string): void;
  onProp(index: number, prop: FieldProp, raw: string | boolean): void;
  onMove(index: number, delta: -1 | 1): void;
  onRemove(index: number): void;
}

const TYPES = ['string', 'number', 'integer', 'boolean'] as const;
const FORMATS = ['email', 'phone', 'date', 'uri'] as const;

/** Which keywords the form shows for a type (errors at others are listed under the field). */
export function shownProps(type: unknown): FieldProp[] {
  const common: FieldProp[] = ['type', 'description', 'required'];
  if (type === 'string') return [...common, 'format', 'enum', 'minLength', 'maxLength', 'pattern'];
  if (type === 'number' || type === 'integer') return [...common, 'enum', 'minimum', 'maximum'];
  return common;
}

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

export function renderField(c: FieldFormContext): TemplateResult {
  const { s, index: i, entry } = c;
  const def = entry.def;
  const base = `/fields/${entry.name}`;
  const id = (prop: string) => `f${i}-${prop}`;
  const at = (prop: string) => c.errors.filter((e) => e.path === `${base}/${prop}` || e.path.startsWith(`${base}/${prop}/`));
  const shown = shownProps(def.type);
  const other = c.errors.filter((e) => e.path !== base && !shown.some((p) => e.path === `${base}/${p}` || e.path.startsWith(`${base}/${p}/`)));
  const nameErrors = [...(c.nameError ? [c.nameError] : []), ...c.errors.filter((e) => e.path === base).map((e) => e.message)];

  const errorsOf = (prop: string, messages: string[]) =>
    messages.length ? html`<p class="error" id=${`${id(prop)}-err`}>${messages.join(' · ')}</p>` : nothing;
  const aria = (prop: string, messages: string[], hint = false) => ({
    invalid: messages.length ? 'true' : 'false',
    describedby: [hint ? `${id(prop)}-hint` : '', messages.length ? `${id(prop)}-err` : ''].filter(Boolean).join(' ') || nothing,
  });

  const text = (prop: FieldProp, label: string, opts: { type?: string; hint?: string; wide?: boolean } = {}) => {
    const m = at(prop).map((e) => e.message);
    const a = aria(prop, m, Boolean(opts.hint));
    return html`<div class="field ${opts.wide ? 'wide' : ''}">
      <label for=${id(prop)}>${label}</label>
      <input id=${id(prop)} type=${opts.type ?? 'text'} step=${opts.type === 'number' ? 'any' : nothing} data-path="${base}/${prop}"
        spellcheck="false" autocomplete="off" aria-invalid=${a.invalid} aria-describedby=${a.describedby}
        .value=${prop === 'enum' ? enumText(def.enum) : str(def[prop])}
        @input=${(e: Event) => c.onProp(i, prop, (e.target as HTMLInputElement).value)} />
      ${opts.hint ? html`<span class="hint" id=${`${id(prop)}-hint`}>${opts.hint}</span>` : nothing}
      ${errorsOf(prop, m)}
    </div>`;
  };

  const typeErrors = at('type').map((e) => e.message);
  const typeAria = aria('type', typeErrors);
  const formatErrors = at('format').map((e) => e.message);
  const formatAria = aria('format', formatErrors);
  const requiredErrors = at('required').map((e) => e.message);
  const nameAria = aria('name', nameErrors);
  const isNumber = def.type === 'number' || def.type === 'integer';
  const formatLabels: Record<string, string> = { email: s.formatEmail, phone: s.formatPhone, date: s.formatDate, uri: s.formatUri };
  const typeLabels: Record<string, string> = { string: s.typeString, number: s.typeNumber, integer: s.typeInteger, boolean: s.typeBoolean };

  return html`<fieldset class="field-card" data-field-index=${i} aria-describedby=${other.length ? `f${i}-other` : nothing}>
    <legend>${s.fieldLegend(i + 1, entry.name)}</legend>
    <div class="grid">
      <div class="field">
        <label for=${id('name')}>${s.fieldName}</label>
        <input id=${id('name')} type="text" data-path=${base} spellcheck="false" autocomplete="off"
          aria-invalid=${nameAria.invalid} aria-describedby=${nameAria.describedby}
          .value=${entry.name} @input=${(e: Event) => c.onName(i, (e.target as HTMLInputElement).value.trim())} />
        ${errorsOf('name', nameErrors)}
      </div>
      <div class="field">
        <label for=${id('type')}>${s.fieldType}</label>
        <select id=${id('type')} data-path="${base}/type" aria-invalid=${typeAria.invalid} aria-describedby=${typeAria.describedby}
          @change=${(e: Event) => c.onType(i, (e.target as HTMLSelectElement).value)}>
          ${TYPES.includes(def.type as never) ? nothing : html`<option value=${str(def.type)} selected>${str(def.type) || '—'}</option>`}
          ${TYPES.map((t) => html`<option value=${t} ?selected=${def.type === t}>${typeLabels[t]}</option>`)}
        </select>
        ${errorsOf('type', typeErrors)}
      </div>
      ${text('description', s.fieldDescription, { wide: true })}
      <div class="field required">
        <label class="check"><input type="checkbox" id=${id('required')} data-path="${base}/required" .checked=${def.required === true}
          aria-invalid=${requiredErrors.length ? 'true' : 'false'}
          @change=${(e: Event) => c.onProp(i, 'required', (e.target as HTMLInputElement).checked)} />${s.fieldRequired}</label>
        ${errorsOf('required', requiredErrors.map(String))}
      </div>
      ${
        def.type === 'string'
          ? html`<div class="field">
            <label for=${id('format')}>${s.fieldFormat}</label>
            <select id=${id('format')} data-path="${base}/format" aria-invalid=${formatAria.invalid} aria-describedby=${formatAria.describedby}
              @change=${(e: Event) => c.onProp(i, 'format', (e.target as HTMLSelectElement).value)}>
              <option value="" ?selected=${!def.format}>${s.formatNone}</option>
              ${FORMATS.includes(def.format as never) || !def.format ? nothing : html`<option value=${str(def.format)} selected>${str(def.format)}</option>`}
              ${FORMATS.map((f) => html`<option value=${f} ?selected=${def.format === f}>${formatLabels[f]}</option>`)}
            </select>
            ${errorsOf('format', formatErrors)}
          </div>`
          : nothing
      }
      ${isNumber ? html`${text('minimum', s.fieldMinimum, { type: 'number' })}${text('maximum', s.fieldMaximum, { type: 'number' })}` : nothing}
      ${def.type === 'string' || isNumber ? text('enum', s.fieldEnum, { hint: s.fieldEnumHint, wide: true }) : nothing}
      ${
        def.type === 'string'
          ? html`${text('minLength', s.fieldMinLength, { type: 'number' })}${text('maxLength', s.fieldMaxLength, { type: 'number' })}
            ${text('pattern', s.fieldPattern, { hint: s.fieldPatternHint, wide: true })}`
          : nothing
      }
    </div>
    ${other.length ? html`<ul class="error other" id=${`f${i}-other`}>${other.map((e) => html`<li><code>${e.path}</code> ${e.message}</li>`)}</ul>` : nothing}
    <div class="actions field-actions">
      <button type="button" ?disabled=${i === 0} @click=${() => c.onMove(i, -1)}>${s.moveUp}<span class="sr-only">: ${entry.name}</span></button>
      <button type="button" ?disabled=${i === c.count - 1} @click=${() => c.onMove(i, 1)}>${s.moveDown}<span class="sr-only">: ${entry.name}</span></button>
      <button type="button" class="danger" @click=${() => c.onRemove(i)}>${s.removeField}<span class="sr-only">: ${entry.name}</span></button>
    </div>
  </fieldset>`;
}
