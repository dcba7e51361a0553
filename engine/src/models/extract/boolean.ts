import { type Hit, endsWith, matchAll, phraseRe } from './hits.js';

/**
 * Longer phrases first, so "not really" is read before "really" could be. No "we have" or "I am":
 * they start too many sentences that answer something else ("we have 4 bedrooms").
 */
export const YES = [
  'yes please',
  'of course',
  'i do',
  'we do',
  'yes',
  'yeah',
  'yea',
  'yep',
  'yup',
  'ya',
  'sure',
  'certainly',
  'definitely',
  'absolutely',
  'correct',
  'true',
  'affirmative',
  'indeed',
  'ok',
  'okay',
  'y',
  // es, fr, de
  'sí',
  'claro',
  'por supuesto',
  'oui',
  'bien sûr',
  'volontiers',
  'ja',
  'gerne',
  'natürlich',
  'klar',
  'jawohl',
];
export const NO = [
  'not really',
  'not at all',
  'no thanks',
  "i don't",
  "we don't",
  'i do not',
  'we do not',
  "i haven't",
  "we haven't",
  "i'm not",
  "we're not",
  'i am not',
  'we are not',
  'no',
  'nope',
  'nah',
  'false',
  'negative',
  'never',
  'none',
  'n',
  'no gracias',
  'ninguna',
  'ninguno',
  'nadie',
  'non',
  'non merci',
  'aucune',
  'aucun',
  'pas du tout',
  'nein',
  'nein danke',
  'keine',
  'kein',
  'niemand',
];

/** Hedges hold a "not" or a "no" that is neither answer. */
const UNSURE = [
  'not sure',
  "i'm not sure",
  'i am not sure',
  "don't know",
  'dunno',
  'no idea',
  'unsure',
  'maybe',
  'not certain',
  'no clue',
  'perhaps',
  // a refusal holds a "no" that answers nothing
  'rather not say',
  'rather not',
  'prefer not to say',
  'prefiero no decirlo',
  'prefiero no decir',
  'no lo sé',
  'no sé',
  'je ne sais pas',
  'je préfère ne pas',
  'weiß nicht',
  'lieber nicht',
  'keine ahnung',
];

/** Every yes or no in the text, in order. */
export function findBooleans(text: string): Hit<boolean>[] {
  const hedges = UNSURE.flatMap((p) => matchAll(text, phraseRe(p)).map((m) => ({ start: m.index, end: m.index + m[0].length })));
  const hits: Hit<boolean>[] = [];
  // Characters already claimed by a hedge or an answer: checking a match costs its length, not the hits so far.
  const used = new Uint8Array(text.length);
  const claim = (s: number, e: number) => used.fill(1, s, e);
  for (const h of hedges) claim(h.start, h.end);
  const taken = (s: number, e: number) => used.subarray(s, e).includes(1);
  for (const [phrases, value] of [
    [NO, false],
    [YES, true],
  ] as const)
    for (const p of [...phrases].sort((a, b) => b.length - a.length))
      for (const m of matchAll(text, phraseRe(p))) {
        const end = m.index + m[0].length;
        if (!taken(m.index, end)) {
          hits.push({ value, start: m.index, end });
          claim(m.index, end);
        }
      }
  return hits.sort((a, b) => a.start - b.start);
}

/** Words that deny what follows: "no allergies", "nobody is allergic". */
const DENIED = /\b(?:no|not|none|nobody|no one|never|without|sin|ningun[oa]?|nadie|pas|aucun[e]?|sans|kein[e]?|nicht|ohne|niemand)\b[^.!?\n]{0,30}$/i;
/** Before a topic said unasked: "open to relocating", "happy to move". */
const WILLING = /\b(?:open\s+to|happy\s+to|willing\s+to|glad\s+to|ready\s+to|can|could|will)\s+$/i;
const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

/**
 * A yes said by talking about the field's topic, with no yes or no word: "one of the kids has a
 * gluten allergy" answers "any allergies?" (the key's stem, six letters, diacritics folded). Unasked,
 * only after "open to", "happy to", "willing to" ("open to relocating"). Never after a denial.
 */
export function affirmedByTopic(text: string, f: { key: string }, asked: boolean): Hit<boolean> | null {
  const stem = fold(f.key.replace(/[_-].*$/, '')).slice(0, 6);
  if (stem.length < 5) return null;
  const folded = fold(text);
  if (folded.length !== text.length) return null; // folding changed offsets (rare): no guess
  const re = new RegExp(`(?<![\\p{L}])${stem}\\p{L}*`, 'gu');
  for (const m of matchAll(folded, re)) {
    if (endsWith(DENIED, folded, m.index)) continue;
    if (asked || endsWith(WILLING, folded, m.index)) return { value: true, start: m.index, end: m.index + m[0].length };
  }
  return null;
}
