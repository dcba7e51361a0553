/** A value found in the text, with where it was found (so later extractors can skip it). */
export interface Hit<T> {
  value: T;
  start: number;
  end: number;
}

/** Blank out spans already claimed, keeping offsets stable: a phone's digits are then no budget. */
export function mask(text: string, spans: ReadonlyArray<{ start: number; end: number }>): string {
  const units = text.split(''); // UTF-16 units, like the offsets regexes report
  for (const { start, end } of spans) for (let i = start; i < end; i++) units[i] = ' ';
  return units.join('');
}

/** Keep the earliest, then longest, of overlapping hits. */
export function dropOverlaps<T>(hits: Hit<T>[]): Hit<T>[] {
  const sorted = [...hits].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Hit<T>[] = [];
  // Kept hits are disjoint and in order, so only the furthest-reaching one can overlap the next: linear, not quadratic.
  let reach = -1;
  for (const h of sorted) {
    if (h.start < reach && h.start < h.end) continue;
    out.push(h);
    reach = Math.max(reach, h.end);
  }
  return out;
}

/** How much text before a value a "not …" test looks at: a negation is a few words, not a paragraph. */
const BEFORE_WINDOW = 80;

/**
 * Whether the text just before `at` ends with `re` (a pattern anchored with `$`). Tests a bounded
 * window instead of the whole prefix, so checking every hit stays linear in the text; a word
 * character before the window is kept as one so `\b` at the window's start means what it did.
 */
export function endsWith(re: RegExp, text: string, at: number): boolean {
  const from = Math.max(0, at - BEFORE_WINDOW);
  const window = text.slice(from, at);
  return re.test(from > 0 && /\w/.test(text[from - 1]!) ? `x${window}` : window);
}

/** Every match of a regex, as hits of the full match (`matchAll` clones a global regex: no shared lastIndex). */
export function matchAll(text: string, re: RegExp): RegExpExecArray[] {
  return [...text.matchAll(re.global ? re : new RegExp(re.source, re.flags + 'g'))] as RegExpExecArray[];
}

/** Turn curly apostrophes into straight ones, keeping length. */
export function normalise(text: string): string {
  return text.replace(/[\u2018\u2019\u02bc]/g, "'").replace(/[\u201c\u201d]/g, '"');
}

export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const phrases = new Map<string, RegExp>();

/**
 * A phrase as a whole-word, case-insensitive regex (spaces match any run of spaces). Built once per
 * phrase: the phrases come from the code and the templates, a bounded set. Use with matchAll only.
 */
export function phraseRe(phrase: string): RegExp {
  let re = phrases.get(phrase);
  if (!re) {
    const body = phrase.trim().split(/\s+/).map(escapeRe).join('\\s+');
    // "modem's lights": a possessive 's ends the word; any other apostrophe joins it ("don't").
    re = new RegExp(`(?<![\\w'])${body}(?![\\w]|'(?!s\\b))`, 'gi');
    if (phrases.size < 10_000) phrases.set(phrase, re);
  }
  return re;
}
