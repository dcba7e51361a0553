import { matchAll } from './hits.js';

/** Words that announce a correction of something said before. "no" counts only when it opens the message. */
const CUES = [
  /\bactually\b/gi,
  /\bsorry\b/gi,
  /\b(?:oops|whoops|my bad)\b/gi,
  /\bcorrection\b/gi,
  /\bi\s+meant?\b/gi,
  /\b(?:wait|hang on)\b/gi,
  /\b(?:make|change|update)\s+(?:that|it|my|the)\b/gi,
  /\bscratch\s+that\b/gi,
  /\b(?:that's|that is|it's|was)\s+(?:wrong|incorrect|a typo)\b/gi,
  /\binstead\b/gi,
  /^\s*no\b/gi,
  // es, fr, de: "perdón, somos seis", "pardon, c'est le routeur", "Entschuldigung, ich meine Designer"
  /(?<![\p{L}])(?:perd[oó]n|quiero decir|mejor dicho|en realidad|pardon|d[ée]sol[ée]e?|je veux dire|plut[oô]t|entschuldigung|sorry|ich meine|eigentlich|korrektur)(?![\p{L}])/giu,
];

/** Sentence ends: a cue speaks for the rest of its own sentence only. */
const SENTENCE_END = /[.!?\n](?=\s|$)/g;

/** From where each correction cue ends to where its sentence ends. */
export function correctionScopes(text: string): Array<{ start: number; end: number }> {
  const ends = matchAll(text, SENTENCE_END).map((m) => m.index);
  return CUES.flatMap((re) => {
    // A cue's matches come in text order: one pointer walks the sentence ends (linear, not cues x ends).
    let i = 0;
    return matchAll(text, re).map((m) => {
      const from = m.index + m[0].length;
      while (i < ends.length && ends[i]! < from) i++;
      return { start: from, end: ends[i] ?? text.length };
    });
  });
}

/** True when a value found at `at` sits inside a correction's scope. */
export const inCorrection = (scopes: ReturnType<typeof correctionScopes>, at: number) => scopes.some((s) => at >= s.start && at < s.end);
