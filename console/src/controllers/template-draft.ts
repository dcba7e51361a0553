/**
 * The template editor's model: a draft is the template body as JSON (any object the customer may
 * have typed), and every form edit is a pure function from one draft to the next, keeping the order
 * of the fields. Checking runs the shared `validateTemplate`, the same one the gateway runs.
 */
import { validateTemplate, type FieldDefinition, type PathError, type Template, type TemplateBody } from '@chat/shared';

export type Draft = Record<string, unknown>;
export type FieldProp = keyof FieldDefinition;

export interface FieldEntry {
  name: string;
  /** As typed: may hold anything until it validates. */
  def: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a new template starts with: the two fields most intakes need. */
export const STARTER: TemplateBody = {
  assistant: { name: 'Ava', persona: 'friendly assistant' },
  greeting: 'Hi! How can we help?',
  fields: {
    name: { type: 'string', description: 'full name', required: true },
    email: { type: 'string', format: 'email', required: true },
  },
  complete: "Thanks {name}! We'll be in touch at {email}.",
};

/** A stored version as a draft: without the id and version the server assigns. */
export function toDraft(t: Template | TemplateBody): Draft {
  const { id: _id, version: _version, ...body } = t as Template;
  return structuredClone(body) as Draft;
}

/** What is sent to publish or preview: the draft without `id`/`version` (the server assigns them). */
export function toBody(d: Draft): TemplateBody {
  const { id: _id, version: _version, ...body } = d;
  return body as unknown as TemplateBody;
}

export function fieldEntries(d: Draft): FieldEntry[] {
  return isObject(d.fields) ? Object.entries(d.fields).map(([name, def]) => ({ name, def: isObject(def) ? def : {} })) : [];
}

function withEntries(d: Draft, entries: FieldEntry[]): Draft {
  return { ...d, fields: Object.fromEntries(entries.map((e) => [e.name, e.def])) };
}

/** Rename field `index`; refused (null) when the name is empty or another field has it. */
export function renameField(d: Draft, index: number, name: string): Draft | null {
  const entries = fieldEntries(d);
  if (!name || entries.some((e, i) => i !== index && e.name === name)) return null;
  return withEntries(
    d,
    entries.map((e, i) => (i === index ? { ...e, name } : e)),
  );
}

/** Set (or, with undefined, remove) one keyword of field `index`. */
export function setFieldProp(d: Draft, index: number, prop: FieldProp, value: unknown): Draft {
  return withEntries(
    d,
    fieldEntries(d).map((e, i) => {
      if (i !== index) return e;
      const def = { ...e.def };
      if (value === undefined) delete def[prop];
      else def[prop] = value;
      return { ...e, def };
    }),
  );
}

/** Keywords that make no sense for the new type go: a number has no format, a boolean no enum. */
export function setFieldType(d: Draft, index: number, type: string): Draft {
  const keep: Record<string, string[]> = {
    string: ['format', 'enum', 'minLength', 'maxLength', 'pattern'],
    number: ['enum', 'minimum', 'maximum'],
    integer: ['enum', 'minimum', 'maximum'],
    boolean: [],
  };
  const allowed = new Set(['type', 'description', 'required', ...(keep[type] ?? [])]);
  return withEntries(
    d,
    fieldEntries(d).map((e, i) => (i === index ? { ...e, def: { ...Object.fromEntries(Object.entries(e.def).filter(([k]) => allowed.has(k))), type } } : e)),
  );
}

export function addField(d: Draft): { draft: Draft; index: number } {
  const entries = fieldEntries(d);
  let n = entries.length + 1;
  while (entries.some((e) => e.name === `field_${n}`)) n++;
  return { draft: withEntries(d, [...entries, { name: `field_${n}`, def: { type: 'string' } }]), index: entries.length };
}

export function removeField(d: Draft, index: number): Draft {
  return withEntries(
    d,
    fieldEntries(d).filter((_, i) => i !== index),
  );
}

export function moveField(d: Draft, index: number, delta: -1 | 1): Draft {
  const entries = fieldEntries(d);
  const to = index + delta;
  if (to < 0 || to >= entries.length) return d;
  [entries[index], entries[to]] = [entries[to]!, entries[index]!];
  return withEntries(d, entries);
}

/** A top-level text (greeting, completion message); empty removes it. */
export function setText(d: Draft, key: 'greeting' | 'complete', value: string): Draft {
  const next = { ...d };
  if (value) next[key] = value;
  else delete next[key];
  return next;
}

export function setAssistant(d: Draft, key: 'name' | 'persona', value: string): Draft {
  const assistant = { ...(isObject(d.assistant) ? d.assistant : {}) };
  if (value) assistant[key] = value;
  else delete assistant[key];
  const next: Draft = { ...d, assistant };
  if (!Object.keys(assistant).length) delete next.assistant;
  return next;
}

/** "flat, pitched" → ['flat', 'pitched']; numbers for numeric fields (what does not parse stays text, for the validator to flag). */
export function parseEnum(text: string, type: unknown): Array<string | number> | undefined {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!items.length) return undefined;
  return type === 'number' || type === 'integer' ? items.map((s) => (Number.isFinite(Number(s)) ? Number(s) : s)) : items;
}

export function enumText(v: unknown): string {
  return Array.isArray(v) ? v.join(', ') : '';
}

/** A number input's text → a number, or undefined (empty: the keyword goes). */
export function parseNumber(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** Every problem of the draft, each at its JSON Pointer, by the shared validator. */
export function checkDraft(templateId: string, d: Draft): PathError[] {
  const r = validateTemplate({ ...d, id: templateId, version: 1 });
  return r.ok ? [] : dedupe(r.errors);
}

function dedupe(errors: PathError[]): PathError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.path}\n${e.message}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

/**
 * The same template, whatever the order of keywords (the server may store them in another order);
 * the order of the fields counts (it is the order the assistant asks in).
 */
export function sameTemplate(a: unknown, b: unknown): boolean {
  const canon = (v: unknown, ordered = false): unknown => {
    if (Array.isArray(v)) return v.map((x) => canon(x));
    if (!isObject(v)) return v;
    const keys = ordered ? Object.keys(v) : Object.keys(v).sort();
    return keys.map((k) => [k, canon(v[k], k === 'fields')]);
  };
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}

/** Errors at `path` or below it. */
export const errorsUnder = (errors: PathError[], path: string) => errors.filter((e) => e.path === path || e.path.startsWith(`${path}/`));

/** `{name}` placeholders the completion message may use. */
export const placeholders = (d: Draft) => fieldEntries(d).map((e) => `{${e.name}}`);
