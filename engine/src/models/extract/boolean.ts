import { type Hit, matchAll, phraseRe } from './hits.js';

/**
 * Longer phrases first, so "not really" is read before "really" could be. No "we have" or "I am":
 * they start too many sentences that answer something else ("we have 4 bedrooms").
 */
export const YES = ['yes please', 'of course', 'i do', 'we do', 'yes', 'yeah', 'yea', 'yep', 'yup', 'ya', 'sure', 'certainly', 'definitely', 'absolutely', 'correct', 'true', 'affirmative', 'indeed', 'ok', 'okay', 'y'];
export const NO = ['not really', 'not at all', 'no thanks', "i don't", "we don't", 'i do not', 'we do not', "i haven't", "we haven't", "i'm not", "we're not", 'i am not', 'we are not', 'no', 'nope', 'nah', 'false', 'negative', 'never', 'none', 'n'];

/** Hedges hold a "not" or a "no" that is neither answer. */
const UNSURE = ["not sure", "i'm not sure", 'i am not sure', "don't know", 'dunno', 'no idea', 'unsure', 'maybe', 'not certain', 'no clue', 'perhaps'];

/** Every yes or no in the text, in order. */
export function findBooleans(text: string): Hit<boolean>[] {
  const hedges = UNSURE.flatMap((p) => matchAll(text, phraseRe(p)).map((m) => ({ start: m.index, end: m.index + m[0].length })));
  const hits: Hit<boolean>[] = [];
  // Characters already claimed by a hedge or an answer: checking a match costs its length, not the hits so far.
  const used = new Uint8Array(text.length);
  const claim = (s: number, e: number) => used.fill(1, s, e);
  for (const h of hedges) claim(h.start, h.end);
  const taken = (s: number, e: number) => used.subarray(s, e).includes(1);
  for (const [phrases, value] of [[NO, false], [YES, true]] as const)
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
