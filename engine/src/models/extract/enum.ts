import { type Hit, endsWith, matchAll, phraseRe } from './hits.js';

export type EnumHow = 'exact' | 'synonym' | 'fuzzy';
export interface EnumHit extends Hit<string> {
  how: EnumHow;
}

/**
 * Everyday words for common enum values. A synonym applies to an enum value equal to the key, or
 * whose words include it ("pitched_roof"). Small on purpose: fuzzy and prefix matching cover typos.
 */
export const SYNONYMS: Record<string, string[]> = {
  pitched: ['sloped', 'sloping', 'slanted', 'slanting', 'angled', 'tilted', 'gabled', 'peaked', 'steep'],
  flat: ['level', 'horizontal'],
  unknown: ['not sure', "don't know", 'do not know', 'dunno', 'unsure', 'no idea', 'not certain', 'no clue', 'idk'],
  other: ['something else', 'none of those', 'none of these'],
  yes: ['yeah', 'yep', 'yup', 'sure', 'of course'],
  no: ['nope', 'nah', 'not really'],
  small: ['little', 'tiny'],
  large: ['big', 'huge'],
  medium: ['mid', 'average'],
  email: ['e-mail', 'mail'],
  phone: ['call', 'telephone', 'ring'],
  indoor: ['indoors', 'inside', 'in the dining room'],
  outdoor: ['outdoors', 'outside', 'terrace', 'patio', 'garden', 'al fresco'],
  // es, fr, de
  interior: ['dentro', 'adentro', 'indoor', 'inside'],
  terraza: ['fuera', 'afuera', 'exterior', 'al aire libre', 'outdoor', 'outside'],
  barra: ['en la barra', 'bar'],
  routeur: ['box', 'router'],
  répéteur: ['repeteur', 'répéteur wifi', 'extender', 'repeater'],
  entwickler: ['entwicklerin', 'developer', 'softwareentwickler', 'softwareentwicklerin'],
  designer: ['designerin'],
  vertrieb: ['sales', 'verkauf'],
};

/** "not flat" is a value ruled out. */
const NEGATED = /\b(?:not|no|isn't|isnt|never)\s+(?:a\s+|an\s+|the\s+)?$/i;

const words = (v: string) =>
  v
    .toLowerCase()
    .split(/[\s_-]+/)
    .filter(Boolean);

/**
 * Edit distance counting a swap of two neighbours as one typo (optimal string alignment), enough to
 * forgive one slip: "pitchd", "desinger" pass, "flta" for "flat" too (a swap), "flxx" does not.
 */
function distance(a: string, b: string): number {
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]!;
}

function exact(text: string, values: string[]): EnumHit[] {
  return values.flatMap((v) =>
    matchAll(text, phraseRe(words(v).join(' ')))
      .filter((m) => !endsWith(NEGATED, text, m.index))
      .map((m) => ({ value: v, start: m.index, end: m.index + m[0].length, how: 'exact' as const })),
  );
}

function synonyms(text: string, values: string[]): EnumHit[] {
  const hits: EnumHit[] = [];
  for (const v of values) {
    const keys = [v.toLowerCase(), ...words(v)];
    for (const phrase of keys.flatMap((k) => SYNONYMS[k] ?? []))
      for (const m of matchAll(text, phraseRe(phrase)))
        if (phrase.startsWith('not') || !endsWith(NEGATED, text, m.index)) hits.push({ value: v, start: m.index, end: m.index + m[0].length, how: 'synonym' });
  }
  return hits;
}

/** A typed word that starts a value ("pitch") or is one typo away from it; only when it fits one value. */
function fuzzy(text: string, values: string[]): EnumHit[] {
  const hits: EnumHit[] = [];
  for (const m of matchAll(text, /[a-z]{3,}/gi)) {
    const w = m[0].toLowerCase();
    // A whole value is the exact rule's to judge (it may be negated); a negated word is no answer either way.
    if (values.some((v) => v.toLowerCase() === w) || endsWith(NEGATED, text, m.index)) continue;
    const fits = values.filter((v) => {
      const target = v.toLowerCase();
      return (target.startsWith(w) && w.length >= Math.min(4, target.length)) || (w.length >= 4 && distance(w, target) <= 1);
    });
    if (fits.length === 1) hits.push({ value: fits[0]!, start: m.index, end: m.index + w.length, how: 'fuzzy' });
  }
  return hits;
}

/** Mentions of a string enum's values, best kind of match first, then in text order. */
export function findEnumValues(text: string, values: ReadonlyArray<string | number>): EnumHit[] {
  const strings = values.filter((v): v is string => typeof v === 'string');
  const rank: Record<EnumHow, number> = { exact: 0, synonym: 1, fuzzy: 2 };
  const all = [...exact(text, strings), ...synonyms(text, strings), ...fuzzy(text, strings)];
  // A fuzzy hit on the same word as an exact one adds nothing.
  const kept = all.filter((h) => h.how !== 'fuzzy' || !all.some((o) => o.how !== 'fuzzy' && h.start < o.end && o.start < h.end));
  return kept.sort((a, b) => rank[a.how] - rank[b.how] || a.start - b.start);
}
