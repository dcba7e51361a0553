/**
 * The template format: which fields a tenant wants collected, in JSON Schema keywords, so the
 * same definition validates the data (Ajv) and instructs a model (structured output).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { checkLinearPattern, linearRegExp } from './linear-regex.js';

// ajv-formats ships CJS; under NodeNext its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv, formats: string[]) => Ajv;

export type FieldType = 'string' | 'number' | 'integer' | 'boolean';

export interface FieldDefinition {
  type: FieldType;
  description?: string;
  format?: 'email' | 'phone' | 'date' | 'uri';
  enum?: Array<string | number>;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  required?: boolean;
}

export interface Template {
  id: string;
  version: number;
  assistant?: { name?: string; persona?: string; language?: string };
  greeting?: string;
  fields: Record<string, FieldDefinition>;
  /** The completion message; `{field}` placeholders are filled with collected values. */
  complete?: string;
  /**
   * Keys of the visitor context the model may see (`url`, `referrer`, `language`, or a key of the
   * site's `context` attribute). Unlisted keys are stored with the lead but never reach a prompt.
   */
  contextKeys?: string[];
}

const FIELD_NAME = '^[A-Za-z_][A-Za-z0-9_]{0,63}$';

/** The meta-schema a template must satisfy. */
export const templateSchema = {
  $id: 'https://chat.example/schemas/template.json',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'version', 'fields'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
    version: { type: 'integer', minimum: 1 },
    assistant: {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { type: 'string', maxLength: 64 },
        persona: { type: 'string', maxLength: 500 },
        language: { type: 'string', pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' },
      },
    },
    greeting: { type: 'string', maxLength: 1000 },
    complete: { type: 'string', maxLength: 1000 },
    contextKeys: { type: 'array', maxItems: 20, uniqueItems: true, items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' } },
    fields: {
      type: 'object',
      minProperties: 1,
      maxProperties: 50,
      propertyNames: { pattern: FIELD_NAME },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['type'],
        properties: {
          type: { enum: ['string', 'number', 'integer', 'boolean'] },
          description: { type: 'string', maxLength: 500 },
          format: { enum: ['email', 'phone', 'date', 'uri'] },
          enum: { type: 'array', minItems: 1, maxItems: 100, items: { type: ['string', 'number'] } },
          minimum: { type: 'number' },
          maximum: { type: 'number' },
          minLength: { type: 'integer', minimum: 0 },
          maxLength: { type: 'integer', minimum: 1 },
          pattern: { type: 'string', maxLength: 500 },
          required: { type: 'boolean' },
        },
      },
    },
  },
} as const;

/** A phone number as people write it: optional +, 7 to 15 digits, common separators. */
const PHONE = /^\+?[0-9][0-9 ().-]{5,22}[0-9]$/;
const isPhone = (s: string) => PHONE.test(s) && (s.match(/\d/g)?.length ?? 0) >= 7 && (s.match(/\d/g)?.length ?? 0) <= 15;

/**
 * The Ajv that checks collected values: every `pattern` runs on RE2 (linear time on visitor text,
 * see linear-regex.ts). `{linear: false}` keeps JavaScript's RegExp, for schemas whose patterns are
 * our own (the template meta-schema).
 */
export function createAjv(opts: { linear?: boolean } = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, ...(opts.linear === false ? {} : { code: { regExp: linearRegExp } }) });
  addFormats(ajv, ['email', 'date']);
  ajv.addFormat('phone', { type: 'string', validate: isPhone });
  ajv.addFormat('uri', { type: 'string', validate: isWebUrl });
  return ajv;
}

/**
 * `format: "uri"` means a web address a person can open: absolute http(s) only, so a collected
 * value is never `javascript:`, `data:`, `file:` or another scheme that acts when followed.
 */
function isWebUrl(s: string): boolean {
  if (s.length > 2048 || !/^https?:\/\/[^\s]+$/i.test(s)) return false;
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** Names a field may not have: they are the prototype chain's, not data (`data.__proto__ = …`). */
const RESERVED_FIELD_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

const validateTemplateFn = createAjv({ linear: false }).compile(templateSchema);
// Made on first use, so that importing the contract loads no wasm.
let valuesAjv: Ajv | undefined;

export interface PathError {
  /** JSON Pointer to the offending value, e.g. `/fields/email/type`. */
  path: string;
  message: string;
}

function toPathErrors(errors: ErrorObject[] | null | undefined): PathError[] {
  return (errors ?? []).map((e) => {
    let path = e.instancePath || '';
    if (e.keyword === 'additionalProperties') path += `/${(e.params as { additionalProperty: string }).additionalProperty}`;
    if (e.keyword === 'required') path += `/${(e.params as { missingProperty: string }).missingProperty}`;
    if (e.keyword === 'propertyNames') path += `/${(e.params as { propertyName: string }).propertyName}`;
    return { path: path || '/', message: e.message ?? 'is invalid' };
  });
}

export type TemplateResult = { ok: true; template: Template } | { ok: false; errors: PathError[] };

/** Validate a template; errors name the JSON path of what is wrong. */
export function validateTemplate(input: unknown): TemplateResult {
  if (!validateTemplateFn(input)) return { ok: false, errors: toPathErrors(validateTemplateFn.errors) };
  const t = input as unknown as Template;
  const errors: PathError[] = [];
  for (const name of Object.keys(t.fields))
    if (RESERVED_FIELD_NAMES.has(name))
      errors.push({ path: `/fields/${name}`, message: 'is a reserved name (__proto__, constructor and prototype are not field names)' });
  if (errors.length) return { ok: false, errors };
  for (const [name, f] of Object.entries(t.fields)) {
    if (f.format && f.type !== 'string') errors.push({ path: `/fields/${name}/format`, message: 'format applies to string fields only' });
    if (f.enum && f.type !== 'boolean' && !f.enum.every((v) => (f.type === 'string' ? typeof v === 'string' : typeof v === 'number')))
      errors.push({ path: `/fields/${name}/enum`, message: `enum values must be of type ${f.type}` });
    if (f.minimum !== undefined && f.maximum !== undefined && f.minimum > f.maximum)
      errors.push({ path: `/fields/${name}/minimum`, message: 'minimum is greater than maximum' });
    if (f.pattern !== undefined) {
      // Patterns run on visitor text: only those RE2 runs (in linear time) are accepted.
      const why = checkLinearPattern(f.pattern);
      if (why) errors.push({ path: `/fields/${name}/pattern`, message: why });
    }
  }
  const placeholders = [...(t.complete ?? '').matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] as string);
  for (const p of placeholders) if (!Object.hasOwn(t.fields, p)) errors.push({ path: '/complete', message: `placeholder {${p}} names no field` });
  return errors.length ? { ok: false, errors } : { ok: true, template: t };
}

/** The fields the visitor must give before the intake is complete. */
export function requiredFields(t: Template): string[] {
  return Object.entries(t.fields)
    .filter(([, f]) => f.required)
    .map(([k]) => k);
}

/** The template's fields as one JSON Schema object (for Ajv and for a model's structured output). */
export function dataSchema(t: Template): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [name, { required: _r, ...keywords }] of Object.entries(t.fields)) properties[name] = keywords;
  return { type: 'object', additionalProperties: false, properties, required: requiredFields(t) };
}

/** One compiled validator per field, for checking values one at a time; patterns run on RE2. */
export function fieldValidators(t: Template): Record<string, ValidateFunction> {
  const out: Record<string, ValidateFunction> = {};
  valuesAjv ??= createAjv();
  for (const [name, { required: _r, ...keywords }] of Object.entries(t.fields)) out[name] = valuesAjv.compile(keywords);
  return out;
}

/** Fill `{field}` placeholders with collected values. */
export function fillPlaceholders(text: string, data: Record<string, unknown>): string {
  return text.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, k: string) =>
    Object.hasOwn(data, k) && data[k] !== undefined && data[k] !== null ? String(data[k]) : m,
  );
}
