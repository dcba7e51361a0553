import { type Hit, matchAll } from './hits.js';

/** What people write before their name; "it's" only counts as an answer to "what's your name?". */
const CUES = [
  'my name is',
  "my name's",
  'name is',
  "name's",
  'name:',
  'under the name',
  'in the name of',
  "i'm",
  'i am',
  'im',
  'this is',
  'call me',
  'here is',
  "it's",
  'its',
  'it is',
  // es, fr, de (the widget's languages): "me llamo", "je m'appelle", "ich heiße" …
  'name',
  'me llamo',
  'mi nombre es',
  'a nombre de',
  'soy',
  "je m'appelle",
  'mon nom est',
  'au nom de',
  'je suis',
  "c'est",
  'ich heiße',
  'ich heisse',
  'mein name ist',
  'ich bin',
  'hier ist',
];
const ANSWER_ONLY = new Set(["it's", 'its', 'it is']);
/** Cues after which a single lower-case word is a state, not a name ("I'm flexible", "je suis désolé"), unless the name was asked. */
const STATE_CUES = new Set(["i'm", 'i am', 'im', 'soy', 'je suis', "c'est", 'ich bin', 'this is']);

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
    'my your our his her their its this that these those it he she we they you i me us them who what when where why how name ' +
    'hi hello hey thanks thank please email phone number budget roof home house homeowner owner tenant renting based ' +
    'located living moving retired married single currently actually just considering one two three four five ' +
    'able after all almost around because been being do does doing get getting had has have having is am are was were be ' +
    "will would can could should shall may might must want need like love hate know think guess mean it's i'm " +
    'wait actually oops hmm umm hang skip pass none nope nah later flexible allergic vegetarian vegan open willing unable unsure sorry ' +
    // es, fr, de function words and answers that follow "soy", "je suis", "ich bin"
    'y e el la los las un una uno de del para con muy no si sí por porque ' +
    'et le les une pour avec très pas oui non désolé désolée ' +
    'und der die das ein eine einen für mit sehr nicht ja nein auch'
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
  // A particle inside a name ("Emma de Jong") before the function-word test: "de" is also Spanish for "of".
  if (!first && PARTICLES.has(lower)) return true;
  if (NOT_NAMES.has(lower)) return false;
  const typedLower = w === lower;
  // The visitor capitalising a word is good evidence; otherwise suffixes give verbs and adjectives away.
  return !(typedLower && ((/ing$/.test(lower) && lower.length > 5) || (/ed$/.test(lower) && lower.length > 4) || /ly$/.test(lower)));
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
      if (!hit) continue;
      // A bare "name" labels a name only when one follows, typed with a capital ("name Diego Alvarez").
      if (cue === 'name' && !/^\p{Lu}/u.test(text.slice(hit.start))) continue;
      if (!asked && STATE_CUES.has(cue) && !hit.value.includes(' ') && text.slice(hit.start, hit.end) === text.slice(hit.start, hit.end).toLowerCase())
        continue;
      return hit;
    }
  }
  if (!asked) return null;
  const bare = /^\s*(?:(?:hi|hello|hey|sure|ok|okay|yes|yeah|of course)[,!.]?\s+)?/i.exec(text)![0].length;
  const hit = takeName(text, bare);
  if (!hit) return null;
  // A bare answer must be the whole first clause (bar a trailing "here"), or it is a sentence, not a name.
  const clauseEnd = /[,.;:!?\n]|$/.exec(text.slice(hit.start))!.index + hit.start;
  const leftover = text.slice(hit.end, clauseEnd).trim().toLowerCase();
  // "maria.garcia at …" or "ann@…": a piece of an address, not a name.
  if (/^[.@_][\p{L}\d]/u.test(text.slice(hit.end))) return null;
  return leftover === '' || leftover === 'here' ? hit : null;
}

/** Clause starts: the text's start and after each sentence or list mark. */
const CLAUSE_START = /(?:^|[,.;:!?\n(])\s*/g;
const GREETING_WORD = /^(?:hi|hello|hey|hola|buenas|bonjour|salut|hallo|servus|good|guten|dear|thanks|ok|okay)$/i;

/**
 * A name nobody announced: a clause that is only a capitalised name ("Booking for two. Priya Nair.",
 * "Hi, Sven Olsen, sven@…"), or a name followed by "here" ("emma de jong here"). For a template
 * whose name field is still empty; two to four words, each typed with a capital (or "… here").
 */
export function findLooseName(text: string, exclude: ReadonlySet<string> = new Set()): Hit<string> | null {
  for (const m of matchAll(text, CLAUSE_START)) {
    const from = m.index + m[0].length;
    if (from >= text.length) continue;
    const hit = takeName(text, from);
    if (!hit) continue;
    const clauseEnd = /[,.;:!?\n()]|$/.exec(text.slice(hit.end))!.index + hit.end;
    const leftover = text.slice(hit.end, clauseEnd).trim().toLowerCase();
    const typed = text.slice(hit.start, hit.end).split(/\s+/);
    if (/^[.@_][\p{L}\d]/u.test(text.slice(hit.end))) continue;
    if (typed.some((w) => GREETING_WORD.test(w) || exclude.has(w.toLowerCase()))) continue;
    if (leftover === 'here' && typed.length <= MAX_WORDS) return hit;
    const capitalised = typed.every((w) => /^\p{Lu}/u.test(w) || PARTICLES.has(w));
    if (leftover === '' && typed.length >= 2 && capitalised) return hit;
  }
  return null;
}
