import type { FieldInfo } from './fields.js';
import { type Hit, escapeRe, matchAll } from './hits.js';

/** How far a field's name may sit from its value: "budget is about $2,000" but not across a sentence. */
const BEFORE_CHARS = 40;
const AFTER_CHARS = 25;
/** A mention after the value belongs to it only with nothing in between that starts another item. */
const BREAK = /[,;.!?\n]|\band\b/i;
const CROSSED = 100;

type Span = { start: number; end: number };
/** The last text's mentions per field: every hit asks, and scanning the text per hit is quadratic. */
let memoText: string | null = null;
const memo = new Map<FieldInfo, Span[]>();

/** Where each of the field's words is mentioned in the text. */
function mentions(text: string, f: FieldInfo): Span[] {
  if (text !== memoText) {
    memoText = text;
    memo.clear();
  }
  let spans = memo.get(f);
  if (!spans) memo.set(f, (spans = scan(text, f)));
  return spans;
}

function scan(text: string, f: FieldInfo): Span[] {
  return f.words.flatMap((w) => matchAll(text, new RegExp(`(?<![\\w-])${escapeRe(w)}\\w*`, 'gi')).map((m) => ({ start: m.index, end: m.index + m[0].length })));
}

/** Distance from a field's nearest mention to the hit, or Infinity; mentions after the hit count double. */
export function nearness(text: string, f: FieldInfo, hit: { start: number; end: number }): number {
  let best = Infinity;
  for (const m of mentions(text, f)) {
    if (m.end <= hit.start) {
      const gap = text.slice(m.end, hit.start);
      // The nearest mention before a value is the one it belongs to, unless a sentence ends between them.
      // Across a comma it more likely labels the value before it ("3 bedrooms, 2 floors"): a penalty, not a veto.
      if (gap.length <= BEFORE_CHARS && !/[.!?\n]/.test(gap)) best = Math.min(best, gap.length + (BREAK.test(gap) ? CROSSED : 0));
    } else if (m.start >= hit.end) {
      const gap = text.slice(hit.end, m.start);
      if (gap.length <= AFTER_CHARS && !BREAK.test(gap)) best = Math.min(best, gap.length * 2 + 1);
    }
  }
  return best;
}

export interface AssignOptions<T> {
  /** Whether a hit may go to this field at all (e.g. a number not among a numeric enum's values). */
  fits?: (f: FieldInfo, hit: Hit<T>) => boolean;
  /** Whether a hit may go to the only candidate field with neither its name nor its question nearby. */
  unprompted?: (f: FieldInfo, hit: Hit<T>) => boolean;
  /** Last resort for a hit no field claimed by name, question or being the only one. */
  fallback?: (candidates: FieldInfo[], hit: Hit<T>) => FieldInfo | undefined;
}

/**
 * Give each hit to one field of the right kind: the field named nearest to it, else the field just
 * asked for, else the only candidate (if the hit is convincing on its own). Returns hits per field,
 * in text order.
 */
export function assign<T>(
  text: string,
  hits: Hit<T>[],
  candidates: FieldInfo[],
  askedField: string | null,
  opts: AssignOptions<T> = {},
): Map<string, Hit<T>[]> {
  const out = new Map<string, Hit<T>[]>();
  for (const hit of hits) {
    const fitting = candidates.filter((f) => opts.fits?.(f, hit) ?? true);
    if (!fitting.length) continue;
    const scored = fitting.map((f) => ({ f, d: nearness(text, f, hit) })).filter((s) => s.d < Infinity);
    scored.sort((a, b) => a.d - b.d);
    const asked = fitting.find((f) => f.key === askedField);
    const only = fitting.length === 1 && (opts.unprompted?.(fitting[0]!, hit) ?? true) ? fitting[0] : undefined;
    const field = scored[0]?.f ?? asked ?? only ?? opts.fallback?.(fitting, hit);
    if (field) {
      const list = out.get(field.key);
      if (list) list.push(hit);
      else out.set(field.key, [hit]);
    }
  }
  return out;
}
