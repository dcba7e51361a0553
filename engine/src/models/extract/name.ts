import { type Hit, matchAll } from './hits.js';

/** What people write before their name; "it's" only counts as an answer to "what's your name?". */
const CUES = ["my name is", "my name's", 'name is', "name's", 'name:', "i'm", 'i am', 'im', 'this is', 'call me', 'here is', "it's", 'its', 'it is'];
const ANSWER_ONLY = new Set(["it's", 'its', 'it is']);

/**
 * Words that follow "I'm" or "this is" but are not names. Beyond this list, lower-case words ending in
 * -ing, -ed or -ly are taken as verbs or adjectives ("I'm looking", "I'm interested", "I'm currently").
 */
const NOT_NAMES = new Set(
  (
    'a an the and or but so if of in on at to for from with about after over under into by as than then just only also ' +
    'not no yes yeah yep nope ok okay sure well very really quite still already always never maybe here there now back ' +
    'interested looking not sure unsure good fine great glad happy sorry afraid new ready done busy free available ' +
    'trying calling writing wondering hoping planning thinking asking going gonna curious keen excited bit little ' +
    'my your our his her their its this that these those it he she we they you i me us them who what when where why how ' +
    'hi hello hey thanks thank please email phone number budget roof home house homeowner owner tenant renting based ' +
    'located living moving retired married single currently actually just considering one two three four five ' +
    'able after all almost around because been being do does doing get getting had has have having is am are was were be ' +
    'will would can could should shall may might must want need like love hate know think guess mean it\'s i\'m'
  ).split(/\s+/),
);

const WORD = /^[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'-]*$/;
const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'da', 'di', 'del', 'la', 'le', 'du', 'bin', 'al']);
const MAX_WORDS = 4;
/** Four name words fit well within this; longer "words" are no names anyway. */
const CLAUSE_CHARS = 200;

function isNameWord(w: string, first: boolean): boolean {
  if (!WORD.test(w)) return false;
  const lower = w.toLowerCase();
  if (NOT_NAMES.has(lower)) return false;
  if (!first && PARTICLES.has(lower)) return true;
  const typedLower = w === lower;
  // The visitor capitalising a word is good evidence; otherwise suffixes give verbs and adjectives away.
  return !(typedLower && (/ing$/.test(lower) && lower.length > 5 || /ed$/.test(lower) && lower.length > 4 || /ly$/.test(lower)));
}

/** "ann lee" -> "Ann Lee", "o'brien" -> "O'Brien"; a name typed with capitals ("McDonald", "DeShawn") is kept. */
export function capitalise(name: string): string {
  return name
    .split(/\s+/)
    .map((w, i) => {
      if (w !== w.toLowerCase() && w !== w.toUpperCase()) return w;
      if (i > 0 && PARTICLES.has(w.toLowerCase())) return w.toLowerCase();
      return w.toLowerCase().replace(/(^|[-'])(\p{L})/gu, (_m, sep: string, c: string) => sep + c.toUpperCase());
    })
    .join(' ');
}

/** Up to four name words from `from`, stopping at punctuation or a word that is no name. */
function takeName(text: string, from: number): Hit<string> | null {
  const rest = text.slice(from);
  const lead = rest.length - rest.trimStart().length;
  // Only the first few words can be a name: read a bounded stretch, so a cue repeated through a long
  // message ("i am i am i am …") costs a constant per cue, not the rest of the text each time.
  const clause = /^[^,.;:!?\n()]*/.exec(rest.slice(lead, lead + CLAUSE_CHARS))![0];
  const tokens = clause.split(/\s+/).filter(Boolean);
  // A stretch cut mid-clause may end mid-word: that last piece is no word of the text.
  if (clause.length === CLAUSE_CHARS) tokens.pop();
  const taken: string[] = [];
  for (const t of tokens) {
    if (taken.length === MAX_WORDS || !isNameWord(t, taken.length === 0)) break;
    taken.push(t);
  }
  // A trailing particle ("Ann de") is no surname.
  while (taken.length && PARTICLES.has(taken[taken.length - 1]!.toLowerCase()) && taken.length > 1) taken.pop();
  if (!taken.length) return null;
  const start = from + lead;
  const raw = text.slice(start).match(new RegExp(taken.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+')))!;
  return { value: capitalise(taken.join(' ')), start, end: start + raw.index! + raw[0].length };
}

/**
 * A person's name: after a cue ("I'm Ann Lee", "my name is ann"), or, when the name was just asked for,
 * a bare answer such as "Ann Lee" or "ann lee here".
 */
export function findName(text: string, asked: boolean): Hit<string> | null {
  for (const cue of CUES) {
    if (ANSWER_ONLY.has(cue) && !asked) continue;
    const re = new RegExp(`(?<![\\w'])${cue.replace(/\s+/g, '\\s+').replace(/'/g, "'")}(?=\\s|$)`, 'gi');
    for (const m of matchAll(text, re)) {
      const hit = takeName(text, m.index + m[0].length);
      if (hit) return hit;
    }
  }
  if (!asked) return null;
  const bare = /^\s*(?:(?:hi|hello|hey|sure|ok|okay|yes|yeah|of course)[,!.]?\s+)?/i.exec(text)![0].length;
  const hit = takeName(text, bare);
  if (!hit) return null;
  // A bare answer must be the whole first clause (bar a trailing "here"), or it is a sentence, not a name.
  const clauseEnd = /[,.;:!?\n]|$/.exec(text.slice(hit.start))!.index + hit.start;
  const leftover = text.slice(hit.end, clauseEnd).trim().toLowerCase();
  return leftover === '' || leftover === 'here' ? hit : null;
}
