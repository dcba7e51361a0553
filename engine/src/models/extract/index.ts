/**
 * The embedded model's rule-based extractor: finds every template field a visitor's message gives.
 * Typed extractors run first and blank out what they claim, so an email's, a date's or a phone's
 * digits never reach the number extractor; numbers then go to the field named nearest to them.
 */
import type { Template } from '@chat/shared';
import { assign, nearness } from './assign.js';
import { findBooleans } from './boolean.js';
import { correctionScopes, inCorrection } from './corrections.js';
import { findDates } from './date.js';
import { findEmails } from './email.js';
import { findEnumValues, type EnumHit } from './enum.js';
import { type FieldInfo, templateFields } from './fields.js';
import { freeAnswer, sameAsBefore } from './free.js';
import { type Hit, mask, normalise } from './hits.js';
import { findLooseName, findName } from './name.js';
import { SYNONYMS } from './enum.js';
import { affirmedByTopic } from './boolean.js';
import { findNumbers, type NumberHit } from './number.js';
import { findPhones } from './phone.js';

export interface ExtractContext {
  template: Template;
  /** The field the assistant asked for in its last reply (null on the first turn or when none). */
  askedField: string | null;
  /** Values collected so far (so "actually ..." corrections and "same as before" can be understood). */
  data: Record<string, unknown>;
  /** Reference date for relative dates ("tomorrow", "next Monday"); default new Date(). Use UTC dates. */
  now?: Date;
}

export interface Extraction {
  /** Candidate values by field name, typed for the field; not yet validated (the caller runs Ajv). */
  values: Record<string, unknown>;
  /** Fields the visitor explicitly corrected ("actually my email is ...", "sorry, it's ...", "no, my name is ..."). */
  corrected: string[];
}

/** Enum values too plain to trust without the field's name or question nearby ("I don't know" is not roof: unknown). */
const GENERIC = new Set(['unknown', 'other', 'none', 'yes', 'no', 'n/a', 'na', 'maybe', 'any', 'all', 'both', 'neither']);

type Found = Map<string, { value: unknown; start: number }>;

/** Several hits for one field: a later one inside a correction wins ("2k, sorry, 3k"), else the first. */
function choose<T>(hits: Hit<T>[], scopes: ReturnType<typeof correctionScopes>): Hit<T> {
  return [...hits].reverse().find((h) => inCorrection(scopes, h.start)) ?? hits[0]!;
}

export function extract(rawText: string, ctx: ExtractContext): Extraction {
  const text = normalise(rawText);
  const now = ctx.now ?? new Date();
  const fields = templateFields(ctx.template);
  const ofKind = (k: FieldInfo['kind']) => fields.filter((f) => f.kind === k);
  const asked = fields.find((f) => f.key === ctx.askedField) ?? null;
  const scopes = correctionScopes(text);
  const found: Found = new Map();
  const claimed: Array<{ start: number; end: number }> = [];
  let rest = text;

  const keep = <T>(byField: Map<string, Hit<T>[]>, maskAll: Hit<T>[] = []) => {
    for (const [key, hits] of byField) {
      const h = choose(hits, scopes);
      found.set(key, { value: h.value, start: h.start });
    }
    claimed.push(...maskAll, ...[...byField.values()].flat());
    rest = mask(text, claimed);
  };

  // Emails, dates and phones first: they are unmistakable, and each holds digits a number would steal.
  // Dates go before phones because "2027-03-01" is also a run of digits and dashes.
  const emails = findEmails(rest, asked?.kind === 'email');
  keep(assign(rest, emails, ofKind('email'), ctx.askedField), emails);
  const dates = findDates(rest, now);
  keep(assign(rest, dates, ofKind('date'), ctx.askedField), dates);
  const phones = findPhones(rest);
  keep(assign(rest, phones, ofKind('phone'), ctx.askedField), phones);

  const nameFields = ofKind('name');
  if (nameFields.length) {
    const exclude = notNames(fields);
    let name = findName(rest, asked?.kind === 'name');
    // "Extender" answering "your name?" is the device, "Skip" a refusal: another field's value is no name.
    if (
      name &&
      name.value
        .toLowerCase()
        .split(' ')
        .every((w) => exclude.has(w))
    )
      name = null;
    if (!name && nameFields.every((f) => ctx.data[f.key] === undefined)) name = findLooseName(rest, exclude);
    // One word answering "your last name?" is the last name; a full name is shared out by part.
    const single = !name?.value.includes(' ');
    if (name) keep(asked?.kind === 'name' && (single || asked.part === 'full') ? new Map([[asked.key, [name]]]) : splitName(name, nameFields));
  }

  for (const f of ofKind('enum')) {
    const hit = pickEnum(rest, f, fields, ctx.askedField);
    // A value already collected changes only when its question was asked, its field named or in a
    // correction: "it won't pair with the router" describes the problem, the device stays the extender.
    const prompted = hit && (f.key === ctx.askedField || nearness(rest, f, hit) < Infinity || inCorrection(scopes, hit.start));
    if (hit && (ctx.data[f.key] === undefined || prompted)) keep(new Map([[f.key, [hit]]]));
  }

  const yesNo = findBooleans(rest);
  for (const f of ofKind('boolean')) {
    const hits = f.key === ctx.askedField ? yesNo : yesNo.filter((h) => nearness(rest, f, h) < Infinity);
    if (hits.length) keep(new Map([[f.key, [hits[0]!]]]));
    else {
      // "one of the kids has a gluten allergy" answers "any allergies?"; "open to relocating" says yes unasked.
      const said = affirmedByTopic(rest, f, f.key === ctx.askedField);
      if (said) keep(new Map([[f.key, [said]]]));
    }
  }

  const numbers = findNumbers(rest);
  keep(
    assign<number>(rest, numbers, ofKind('number'), ctx.askedField, {
      // A number outside a numeric enum belongs there only as an answer to its question (then it is reported invalid).
      fits: (f, h) => !f.def.enum || f.def.enum.includes(h.value) || f.key === ctx.askedField,
      // An amount ("2k", "$1,500") or a head count ("table for four") may go to the only numeric field unasked; a bare digit may not.
      unprompted: (f, h) => Boolean((h as NumberHit).unit || (h as NumberHit).count) && !f.def.enum,
      // An amount nobody labelled goes to the one field about money ("looking for 65k": the salary, not the years).
      fallback: (cands, h) => {
        if (!(h as NumberHit).unit) return undefined;
        const money = cands.filter((f) => f.words.some((w) => MONEY.test(w)));
        return money.length === 1 ? money[0] : undefined;
      },
    }),
  );

  if (asked && !found.has(asked.key)) {
    const same = sameAsBefore(text, asked, fields, ctx.data);
    if (same !== undefined) found.set(asked.key, { value: same, start: 0 });
    else if (found.size === 0 || (asked.kind === 'text' && !scopes.length && leftoverWords(rest, fields, found) >= 3)) {
      const free = freeAnswer(text, asked);
      if (free !== undefined) found.set(asked.key, { value: free, start: 0 });
    }
  }

  const values: Record<string, unknown> = {};
  const corrected: string[] = [];
  for (const f of fields) {
    const got = found.get(f.key);
    if (!got) continue;
    values[f.key] = got.value;
    if (inCorrection(scopes, got.start) && ctx.data[f.key] !== got.value) corrected.push(f.key);
  }
  return { values, corrected };
}

/** Words of a field about money: its amounts need no label. */
const MONEY = /^(?:salary|budget|price|cost|pay|wage|income|spend|eur|usd|gbp|rate|fee|sueldo|salario|presupuesto|salaire|gehalt|budget)$/;

const CALENDAR =
  'monday tuesday wednesday thursday friday saturday sunday today tomorrow january february march april may june july august september october november december'.split(
    ' ',
  );
const REFUSALS = 'skip pass none nope nah no yes ok okay sure later unknown maybe thanks'.split(' ');

/** Words no name is made of in this template: its enum values and their synonyms, refusals, days and months. */
function notNames(fields: FieldInfo[]): Set<string> {
  const set = new Set([...CALENDAR, ...REFUSALS]);
  for (const f of fields)
    for (const v of f.def.enum ?? []) {
      const value = String(v).toLowerCase();
      for (const w of [value, ...value.split(/[\s_-]+/)]) {
        set.add(w);
        for (const syn of SYNONYMS[w] ?? []) for (const sw of syn.split(/\s+/)) set.add(sw);
      }
    }
  return set;
}

/** One name, shared out by part: a full-name field takes it all, first and last names take theirs. */
function splitName(name: Hit<string>, targets: FieldInfo[]): Map<string, Hit<string>[]> {
  const words = name.value.split(' ');
  const out = new Map<string, Hit<string>[]>();
  for (const f of targets) {
    const value = f.part === 'first' ? words[0]! : f.part === 'last' ? (words.length > 1 ? words.slice(1).join(' ') : null) : name.value;
    if (value) out.set(f.key, [{ ...name, value }]);
  }
  return out;
}

/**
 * An enum answer: any kind of match when the field was asked or is named nearby; otherwise only an
 * exact, distinctive value that no other field could mean ("flat", not "unknown" or "email").
 */
function pickEnum(text: string, f: FieldInfo, fields: FieldInfo[], askedField: string | null): EnumHit | null {
  const hits = findEnumValues(text, f.def.enum ?? []);
  // "what's the difference between normal and urgent?" asks about the choices; it picks none.
  if (/\?\s*$/.test(text) && new Set(hits.filter((h) => h.how === 'exact').map((h) => h.value)).size > 1) return null;
  const prompted = hits.find((h) => f.key === askedField || nearness(text, f, h) < Infinity);
  if (prompted) return prompted;
  const otherWords = new Set(fields.filter((o) => o.key !== f.key).flatMap((o) => o.words));
  const otherValues = new Set(
    fields.filter((o) => o.key !== f.key && o.kind === 'enum').flatMap((o) => (o.def.enum ?? []).map((v) => String(v).toLowerCase())),
  );
  return (
    hits.find((h) => {
      const v = h.value.toLowerCase();
      return h.how === 'exact' && !GENERIC.has(v) && !otherWords.has(v) && !otherValues.has(v);
    }) ?? null
  );
}

/**
 * Words left once every claimed span and the names of the fields found are set aside: a long
 * leftover is an answer of its own ("south-facing, about 2k" answers the notes and the budget).
 */
function leftoverWords(masked: string, fields: FieldInfo[], found: Found): number {
  const named = new Set(fields.filter((f) => found.has(f.key)).flatMap((f) => f.words));
  return masked
    .toLowerCase()
    .split(/[^\p{L}\p{N}']+/u)
    .filter((w) => w.length > 1 && ![...named].some((n) => w.startsWith(n))).length;
}
