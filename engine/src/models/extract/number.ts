import { type Hit, dropOverlaps, endsWith, matchAll } from './hits.js';

export interface NumberHit extends Hit<number> {
  /** The magnitude written after it (1000 for "2k"), so "2-3k" can lend it to the 2. */
  scale: number;
  /** Written with a currency or a magnitude ("$", "dollars", "2k", "thousand"): an amount, not a stray digit. */
  unit: boolean;
  /** A head count: "table for four", "we are 6 people", "party of 7", "somos seis". */
  count?: boolean;
}

/** English number words up to ninety (the date extractor reads its counts with them too). */
export const ONES: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  // es, fr, de up to twenty ("one" words left out: "una mesa", "un routeur", "eine Frage" count nothing;
  // nor "once", English before it is Spanish).
  dos: 2,
  tres: 3,
  cuatro: 4,
  cinco: 5,
  seis: 6,
  siete: 7,
  ocho: 8,
  nueve: 9,
  diez: 10,
  doce: 12,
  quince: 15,
  veinte: 20,
  deux: 2,
  trois: 3,
  quatre: 4,
  cinq: 5,
  sept: 7,
  huit: 8,
  neuf: 9,
  dix: 10,
  onze: 11,
  douze: 12,
  quinze: 15,
  vingt: 20,
  zwei: 2,
  drei: 3,
  vier: 4,
  fünf: 5,
  sechs: 6,
  sieben: 7,
  acht: 8,
  neun: 9,
  zehn: 10,
  elf: 11,
  zwölf: 12,
  fünfzehn: 15,
  zwanzig: 20,
};
const SCALES: Record<string, number> = { hundred: 100, thousand: 1e3, grand: 1e3, million: 1e6, billion: 1e9 };
/** Suffixes after digits: "2k", "1.5m", "3 thousand". Single letters only when attached, so "150 m" stays 150. */
const SUFFIX: Record<string, number> = { k: 1e3, m: 1e6, mm: 1e6, mn: 1e6, b: 1e9, bn: 1e9, ...SCALES, mil: 1e6, mill: 1e6 };

const CURRENCY_BEFORE = String.raw`(?:[$£€]|usd|eur|gbp)\s?`;
const CURRENCY_AFTER = String.raw`\s?(?:dollars?|bucks|usd|eur(?:os?)?|pounds?|gbp|quid|[$£€])`;
/** "2000 a month" is an amount too. */
const PER = /^\s?(?:per|a|an|each|\/)\s?(?:month|mo|year|yr|week|wk)\b/i;
const DIGITS = new RegExp(
  String.raw`(?<![\w.,$£€])(${CURRENCY_BEFORE})?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?` +
    String.raw`(?:(k|mm|mn|m|bn|b)|\s?(thousand|grand|million|billion|mil|mill)\b)?` +
    String.raw`(${CURRENCY_AFTER}\b)?(?![\w])`,
  'gi',
);
const WORD = /\p{L}+(?:-\p{L}+)?/gu;

const RANGE = /^\s*(?:-|–|to)\s*$/i;

/** Before a head count: "table for", "party of", "we are", "somos", "nous sommes", "wir sind". */
const COUNT_BEFORE =
  /(?:\b(?:table|tabel|booking|book|reservation|reserve|dinner|lunch|brunch|breakfast|mesa|reserva|reservar|tisch)\s+(?:for|para|pour|für)|\bparty\s+of|\bwe\s+are|\bwe're|\bthere\s+(?:are|will\s+be)|\bsomos|\bseremos|\bnous\s+sommes|\bon\s+(?:est|sera)|\bwir\s+sind)\s+$/i;
/** After one: "6 people", "cuatro personas". */
const COUNT_AFTER = /^\s+(?:people|persons|guests|adults|pax|personas|comensales|personnes|personen|gäste)(?![\p{L}])/iu;
/** "for two." or "for 2 tomorrow": a bare "for N" ends its phrase (not "for 4 years"). */
const FOR_BEFORE = /\b(?:for|para|pour|für)\s+$/i;
const FOR_AFTER = /^\s*(?:[,.;!?)]|$|(?:on|at|tomorrow|tonight|today|this|next|el|le|am|mañana|demain|morgen)(?![\p{L}]))/iu;

/** "not 2k" is a number being taken back. */
const NEGATED = /\bnot\s+(?:about\s+|around\s+|even\s+)?$/i;

function fromDigits(text: string): NumberHit[] {
  const hits: NumberHit[] = [];
  for (const m of matchAll(text, DIGITS)) {
    const [whole, cur, int, frac, short, long, curAfter] = m;
    const base = Number((int ?? '').replace(/,/g, '') + (frac ?? ''));
    const scale = SUFFIX[(short ?? long ?? '').toLowerCase()] ?? 1;
    const value = Math.round(base * scale * 1e6) / 1e6; // 1.1 * 1e6 should read 1100000, not 1100000.0000000002
    const end = m.index + whole.length;
    const per = PER.test(text.slice(end));
    hits.push({ value, start: m.index, end, scale, unit: Boolean(cur || short || long || curAfter || per) });
  }
  return hits;
}

/** "two thousand", "one hundred and fifty", "a million", "twenty-five dollars". */
function fromWords(text: string): NumberHit[] {
  const hits: NumberHit[] = [];
  const words = matchAll(text, WORD).map((m) => ({ w: m[0].toLowerCase(), start: m.index, end: m.index + m[0].length }));
  let i = 0;
  while (i < words.length) {
    let total = 0,
      current = 0,
      used = 0,
      j = i,
      scaled = false;
    for (; j < words.length; j++) {
      const { w } = words[j]!;
      const next = words[j + 1]?.w ?? '';
      const parts = w.split('-');
      if (parts.every((p) => p in ONES)) current += parts.reduce((s, p) => s + ONES[p]!, 0);
      else if (w in SCALES && (w !== 'grand' || used > 0)) {
        // "grand" alone is an adjective; "two grand" is money.
        const s = SCALES[w]!;
        scaled = true;
        // "hundred" after a hundred ("one hundred and one hundred ...") starts the next number:
        // multiplying again would reach Infinity on a long enough message.
        if (s === 100 && current >= 100) break;
        if (s === 100) current = (current || 1) * 100;
        else {
          total += (current || 1) * s;
          current = 0;
        }
      } else if (w === 'a' && used === 0 && next in SCALES) continue;
      else if (w === 'and' && scaled && next.split('-').every((p) => p in ONES))
        continue; // "one hundred and fifty"
      else break;
      used++;
    }
    if (used === 0) {
      i++;
      continue;
    }
    const first = words[i]!,
      last = words[j - 1]!;
    let end = last.end;
    const after = new RegExp(`^${CURRENCY_AFTER}\\b`, 'i').exec(text.slice(end));
    if (after) end += after[0].length;
    hits.push({ value: total + current, start: first.start, end, scale: 1, unit: scaled || Boolean(after) });
    i = j;
  }
  return hits;
}

/** Numbers as people type them. Ordinals ("3rd") and times ("5pm") fail the trailing-letter check and are skipped. */
export function findNumbers(text: string): NumberHit[] {
  const hits = dropOverlaps([...fromDigits(text), ...fromWords(text)]) as NumberHit[];
  lendScales(text, hits);
  for (const h of hits) {
    if (h.unit || !Number.isInteger(h.value) || h.value < 1 || h.value > 999) continue;
    const after = text.slice(h.end, h.end + 40);
    h.count = endsWith(COUNT_BEFORE, text, h.start) || COUNT_AFTER.test(after) || (endsWith(FOR_BEFORE, text, h.start) && FOR_AFTER.test(after));
  }
  return hits.filter((h) => !endsWith(NEGATED, text, h.start));
}

/** In a range like "2-3k" or "2 to 3 million" the first number shares the second's magnitude. */
function lendScales(text: string, hits: NumberHit[]): void {
  for (let i = 0; i + 1 < hits.length; i++) {
    const [a, b] = [hits[i]!, hits[i + 1]!];
    if (a.scale === 1 && b.scale > 1 && a.value < b.value / b.scale + 1 && RANGE.test(text.slice(a.end, b.start))) {
      a.value = Math.round(a.value * b.scale * 1e6) / 1e6;
      a.scale = b.scale;
      a.unit = true;
    }
  }
}
