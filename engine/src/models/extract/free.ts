import type { FieldInfo } from './fields.js';

/** Answers that decline, hedge or ask back: no field gets them as its value. */
const DECLINE = new RegExp(
  "^(?:(?:i|we)(?:'m|'re|'d|\\s+am|\\s+are|\\s+would)?\\s+)?(?:" +
    [
      "no(?: [\\w']+)?",
      'nope',
      'nah',
      'none',
      'n/?a',
      'skip',
      'pass',
      'later',
      'not now',
      'no thanks',
      'rather not(?: say)?',
      'prefer not(?: to say)?',
      "(?:do not|don'?t) (?:have|know)(?: (?:one|any|it|yet))?",
      'not sure(?: yet)?',
      'unsure',
      'no idea',
      'idk',
      'dunno',
      // a time that is no date: nothing to record for a date question
      "whenever(?:,? i'?m flexible)?",
      "i'?m flexible",
      'flexible',
      'any ?time',
      'asap',
      'as soon as possible',
      // es, fr, de
      'paso',
      'saltar',
      'prefiero no(?: decirlo| decir)?',
      'no s[eé]',
      'ninguno',
      'ninguna',
      'passer',
      'non merci',
      'je pr[ée]f[èe]re ne pas(?: le dire)?',
      'je ne sais pas',
      'aucun',
      'aucune',
      '[üu]berspringen',
      'lieber nicht',
      'nein danke',
      'wei[ßs] (?:ich )?nicht',
      'keine ahnung',
      'keine',
      'kein',
    ].join('|') +
    ')[.!]*$',
  'i',
);
/** Acknowledgements answer no question of their own. */
const GREETING = /^(?:hi|hello|hey|thanks|thank you|ok|okay|cool|great|yes|yeah|yep|sure|of course)[.!]*$/i;

/** "same as before", "same as my email", "ditto": the value of another field of the same kind. */
const SAME = /^(?:the\s+)?same(?:\s+(?:one|as\s+(?:before|above|that|the\s+other(?:\s+one)?|my\s+([\w ]+?))))?[.!]*$|^ditto[.!]*$/i;

export function sameAsBefore(text: string, asked: FieldInfo, fields: FieldInfo[], data: Record<string, unknown>): unknown {
  const m = SAME.exec(text.trim());
  if (!m) return undefined;
  const named = m[1]?.toLowerCase();
  const sources = fields.filter((f) => f.key !== asked.key && data[f.key] !== undefined && data[f.key] !== null);
  const pick = named ? sources.find((f) => f.words.some((w) => named.split(/\s+/).includes(w))) : sources.find((f) => f.kind === asked.kind);
  return pick ? data[pick.key] : undefined;
}

/**
 * The message itself as the answer to the question just asked: a description, or an attempt at an
 * email, date or choice that the caller's validator will reject with a reason. Numbers and yes/no
 * fields take no free text: a string there is no attempt at a number ("my budget is not set yet").
 */
export function freeAnswer(text: string, asked: FieldInfo): string | undefined {
  const t = text.trim().replace(/\s+/g, ' ');
  if (!t || t.endsWith('?') || DECLINE.test(t) || GREETING.test(t)) return undefined;
  if (asked.kind === 'number' || asked.kind === 'boolean' || asked.kind === 'name') return undefined;
  return t;
}
