import { type Hit, matchAll } from './hits.js';

/** A run of digits with the separators people type: "+44 20 7946 0958", "(555) 123-4567", "+1-202-555-0143". */
const CANDIDATE = /(?<![\w+$£€])\+?\(?\d[\d ().-]{4,24}\d(?![\w])/g;

/** Accept a run as a phone only if it looks dialled, not counted: a budget of 1500000 is not a phone. */
function looksLikePhone(raw: string): boolean {
  const digits = raw.replace(/\D/g, '').length;
  if (digits < 7 || digits > 15) return false;
  if (/\(\)|--|\.\./.test(raw)) return false;
  // "2000-3000" is a range of round numbers, not a local number.
  const groups = raw.split(/[^\d]+/).filter(Boolean);
  if (groups.length === 2 && groups.every((g) => g.endsWith('00'))) return false;
  const shaped = raw.startsWith('+') || /[ ().-]/.test(raw);
  return shaped || digits >= 10;
}

/**
 * A number as written, minus the parentheses around an area code: "(415) 555-0134" → "415 555-0134",
 * "+44 (0)20 7946 0958" → "+44 020 7946 0958". The digits are the visitor's; only the brackets go,
 * because a stored phone starts with a digit or "+" (the template's `format: phone`).
 */
export function tidyPhone(raw: string): string {
  if (!/[()]/.test(raw)) return raw;
  // The trunk zero in "+44 (0)20 …" is not dialled from abroad.
  return raw
    .replace(/^(\+\d{1,3})\s*\(0\)\s*/, '$1 ')
    .replace(/\((\d+)\)/g, ' $1 ')
    .replace(/\s*([-.])\s*/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

export function findPhones(text: string): Hit<string>[] {
  const hits: Hit<string>[] = [];
  for (const m of matchAll(text, CANDIDATE)) {
    const raw = m[0];
    if (looksLikePhone(raw)) hits.push({ value: tidyPhone(raw), start: m.index, end: m.index + raw.length });
  }
  return hits;
}
