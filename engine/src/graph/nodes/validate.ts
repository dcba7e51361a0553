/**
 * Node: check each candidate against the template with Ajv. Valid values are stored; an invalid
 * one is not, the reply says why, and after MAX_FIELD_ATTEMPTS the field is set aside (asked last).
 */
import { fieldValidators, type InvalidField, type Template } from '@chat/shared';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { isComplete, missingFields, nextField } from '../routing.js';
import type { IntakeStateType, IntakeUpdate } from '../state.js';

// Compiled validators per template id+version: compute, not session state, so the engine stays stateless.
const cache = new Map<string, Record<string, ValidateFunction>>();
const CACHE_MAX = 500;

function validatorsFor(t: Template): Record<string, ValidateFunction> {
  // The fields themselves are the key: tenants may reuse an id and version for different fields.
  const key = JSON.stringify(t.fields);
  let v = cache.get(key);
  if (!v) {
    v = fieldValidators(t);
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
    cache.set(key, v);
  }
  return v;
}

/** A reason a person can act on. */
export function describeError(e: ErrorObject | undefined): string {
  if (!e) return 'it is not valid';
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'format':
      return p.format === 'email'
        ? 'it should look like name@example.com'
        : p.format === 'phone'
          ? 'it should be a phone number with 7 to 15 digits'
          : p.format === 'date'
            ? 'it should be a real date'
            : `it should be a valid ${String(p.format)}`;
    case 'enum':
      return `it should be one of: ${(p.allowedValues as unknown[]).join(', ')}`;
    case 'minimum':
      return `it should be at least ${String(p.limit)}`;
    case 'maximum':
      return `it should be at most ${String(p.limit)}`;
    case 'type':
      return `it should be a ${String(p.type)}`;
    case 'minLength':
      return `it should be at least ${String(p.limit)} characters`;
    case 'maxLength':
      return `it should be at most ${String(p.limit)} characters`;
    case 'pattern':
      return 'it is not in the expected format';
    default:
      return e.message ?? 'it is not valid';
  }
}

/**
 * A declined optional question, tested on the trimmed text. Linear: the open-ended answers end in one
 * `[^\n]*` with nothing after it, and no two quantifiers share the same spaces (the old
 * `.*\s*[.!]?\s*$` tried every split of a long run of spaces: cubic, ~1 s at 1 000 characters).
 */
const DECLINE =
  /^(?:(?:skip|pass|no thanks?|nope|none|n\/?a|rather not|not now|later|-)\s*[.!]?|(?:i'?d rather not|prefer not|i don'?t (?:want|wish) to)[^\n]*)$/i;

/**
 * No string value longer than this reaches Ajv or a pattern (RE2) unless the field's own `maxLength`
 * says otherwise (a tenant that wants long free text says so; patterns run in linear time either way,
 * and MAX_MESSAGE_CHARS bounds any value). Longer candidates are refused as too long before any check.
 */
export const MAX_VALUE_CHARS = 1000;

export function makeValidateNode(opts: { maxFieldAttempts: number }) {
  return function validate(state: IntakeStateType): IntakeUpdate {
    const t = state.template as Template;
    const validators = validatorsFor(t);
    const data = { ...state.data };
    const attempts = { ...state.attempts };
    const declined = [...state.declined];
    let deferred = [...state.deferred];
    const changed: string[] = [];
    const invalid: InvalidField[] = [];
    const text = state.input?.text ?? '';
    const asked = state.askedField;
    const askedIsOptional = asked !== null && !t.fields[asked]?.required;

    const candidates = { ...state.candidates };
    // "skip" to an optional question declines it rather than being taken as its value.
    // A yes/no question is answered by "nope" or "none" ("any allergies?" "nope"): that is false, not a refusal.
    const answeredNo = asked !== null && candidates[asked] === false;
    if (asked && askedIsOptional && !answeredNo && DECLINE.test(text.trim())) {
      delete candidates[asked];
      if (!declined.includes(asked)) declined.push(asked);
    }

    for (const [field, value] of Object.entries(candidates)) {
      const check = validators[field];
      if (!check || value === undefined || value === null || value === '') continue;
      const cap = t.fields[field]?.maxLength ?? MAX_VALUE_CHARS;
      const tooLong = typeof value === 'string' && value.length > cap;
      if (!tooLong && check(value)) {
        if (data[field] !== value) changed.push(field);
        data[field] = value;
        delete attempts[field];
        deferred = deferred.filter((k) => k !== field);
      } else {
        invalid.push({ field, message: tooLong ? `it should be at most ${cap} characters` : describeError(check.errors?.[0]) });
        attempts[field] = (attempts[field] ?? 0) + 1;
        if (attempts[field]! >= opts.maxFieldAttempts && !deferred.includes(field)) {
          deferred.push(field);
          attempts[field] = 0;
        }
      }
    }

    // An optional question answered with nothing usable is not asked again; a message that gave
    // something else instead (a correction, another field) leaves the question open.
    const gaveNothing = changed.length === 0 && invalid.length === 0;
    if (asked && askedIsOptional && gaveNothing && !(asked in candidates) && !Object.hasOwn(data, asked) && !declined.includes(asked)) declined.push(asked);

    const progress = { template: t, data, declined, deferred };
    // When only fields set aside remain, ask them again from the start.
    if (nextField(progress) === null && missingFields(progress).length > 0) deferred = [];
    // Complete stays complete: later turns only add optional answers or corrections.
    const status = state.status === 'closed' ? 'closed' : state.status === 'complete' || isComplete({ ...progress, deferred }) ? 'complete' : 'collecting';
    return {
      data,
      attempts,
      declined,
      deferred,
      changed,
      invalid,
      missing: missingFields(progress),
      status,
      justCompleted: status === 'complete' && state.status !== 'complete',
      corrected: state.corrected.filter((k) => changed.includes(k)),
    };
  };
}
