import { type Hit, dropOverlaps, endsWith, matchAll } from './hits.js';
import { ONES } from './number.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = String.raw`(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
// Full names only (plus two common short forms): "sat" and "sun" are ordinary words.
const WEEKDAY = String.raw`(sunday|monday|tuesday|wednesday|thursday|friday|saturday|tues|thurs)`;
const ORD = String.raw`(?:st|nd|rd|th)?`;
const UNIT_DAYS: Record<string, number> = { day: 1, week: 7, fortnight: 14 };
// Counts of days, weeks…: the number words, plus the article and "a couple" / "a few".
const COUNT_WORDS: Record<string, number> = { a: 1, an: 1, couple: 2, few: 3 };

const DAY_MS = 86_400_000;
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d));
const today = (now: Date) => utc(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * DAY_MS);
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** ISO text without checking the calendar: "2027-02-30" reaches the caller, whose validator says it is no date. */
const iso = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
const isoOf = (d: Date) => iso(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
const monthIndex = (name: string) => MONTHS.indexOf(name.slice(0, 3).toLowerCase());
const fullYear = (y: string) => (y.length === 2 ? 2000 + Number(y) : Number(y));

/** A day and month without a year means the next one to come. */
function upcoming(month: number, day: number, year: string | undefined, now: Date): string | null {
  if (month < 0 || month > 11 || day < 1 || day > 31) return null;
  if (year) return iso(fullYear(year), month + 1, day);
  const t = today(now);
  const y = utc(t.getUTCFullYear(), month, day) < t ? t.getUTCFullYear() + 1 : t.getUTCFullYear();
  return iso(y, month + 1, day);
}

function weekday(name: string, strictlyAfter: boolean, now: Date): string {
  const target = DAYS.findIndex((d) => d.startsWith(name.slice(0, 3).toLowerCase()));
  const t = today(now);
  let ahead = (target - t.getUTCDay() + 7) % 7;
  if (ahead === 0 && strictlyAfter) ahead = 7;
  return isoOf(addDays(t, ahead));
}

function later(count: number, unit: string, now: Date): string {
  const t = today(now);
  const u = unit.toLowerCase().replace(/s$/, '');
  if (u === 'month' || u === 'year') {
    const months = u === 'month' ? count : count * 12;
    const target = utc(t.getUTCFullYear(), t.getUTCMonth() + months, 1);
    // Clamp: a month from Jan 31 is the end of February, not March 3.
    const last = utc(target.getUTCFullYear(), target.getUTCMonth() + 1, 0).getUTCDate();
    return iso(target.getUTCFullYear(), target.getUTCMonth() + 1, Math.min(t.getUTCDate(), last));
  }
  return isoOf(addDays(t, count * (UNIT_DAYS[u] ?? 1)));
}

/** Month names in es, fr, de (index 0-11), for "20 de marzo", "15 avril", "1. April". */
const FOREIGN_MONTHS: Record<string, number> = {
  enero: 0,
  febrero: 1,
  marzo: 2,
  abril: 3,
  mayo: 4,
  junio: 5,
  julio: 6,
  agosto: 7,
  septiembre: 8,
  setiembre: 8,
  octubre: 9,
  noviembre: 10,
  diciembre: 11,
  janvier: 0,
  février: 1,
  fevrier: 1,
  mars: 2,
  avril: 3,
  mai: 4,
  juin: 5,
  juillet: 6,
  août: 7,
  aout: 7,
  septembre: 8,
  octobre: 9,
  novembre: 10,
  décembre: 11,
  decembre: 11,
  januar: 0,
  februar: 1,
  märz: 2,
  maerz: 2,
  april: 3,
  juni: 5,
  juli: 6,
  august: 7,
  september: 8,
  oktober: 9,
  dezember: 11,
};
const FOREIGN_MONTH = `(${Object.keys(FOREIGN_MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|')})`;
/** Weekdays in es, fr, de, Sunday first like getUTCDay. */
const FOREIGN_DAYS: Array<string[]> = [
  ['domingo', 'dimanche', 'sonntag'],
  ['lunes', 'lundi', 'montag'],
  ['martes', 'mardi', 'dienstag'],
  ['miércoles', 'miercoles', 'mercredi', 'mittwoch'],
  ['jueves', 'jeudi', 'donnerstag'],
  ['viernes', 'vendredi', 'freitag'],
  ['sábado', 'sabado', 'samedi', 'samstag'],
];
const FOREIGN_DAY = `(${FOREIGN_DAYS.flat().join('|')})`;
const foreignDay = (name: string) => FOREIGN_DAYS.findIndex((names) => names.includes(name.toLowerCase()));
/** No letter on either side (JavaScript's \b is ASCII only: "sábado", "März"). */
const L_BEFORE = String.raw`(?<![\p{L}\d])`;
const L_AFTER = String.raw`(?![\p{L}])`;

function weekdayIndex(target: number, strictlyAfter: boolean, now: Date): string {
  const t = today(now);
  let ahead = (target - t.getUTCDay() + 7) % 7;
  if (ahead === 0 && strictlyAfter) ahead = 7;
  return isoOf(addDays(t, ahead));
}

const count = (s: string) => (/^\d+$/.test(s) ? Number(s) : (COUNT_WORDS[s.toLowerCase()] ?? ONES[s.toLowerCase()] ?? NaN));

type Rule = { re: RegExp; read: (m: RegExpExecArray, now: Date) => string | null };

/** One rule per way of writing a date; the earliest, longest match wins where they overlap. */
const RULES: Rule[] = [
  { re: /\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b/, read: (m) => (Number(m[2]) <= 12 ? iso(+m[1]!, +m[2]!, +m[3]!) : null) },
  {
    // Numeric day/month/year: month first as in the US, unless the first number cannot be a month.
    re: /\b(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b/,
    read: (m) => {
      const [a, b] = [+m[1]!, +m[2]!];
      const [month, day] = a > 12 ? [b, a] : [a, b];
      return month <= 12 ? iso(fullYear(m[3]!), month, day) : null;
    },
  },
  { re: new RegExp(String.raw`\b${MONTH}\s+(\d{1,2})${ORD}\b(?:,?\s+(\d{4})\b)?`, 'i'), read: (m, now) => upcoming(monthIndex(m[1]!), +m[2]!, m[3], now) },
  {
    re: new RegExp(String.raw`\b(?:the\s+)?(\d{1,2})${ORD}\s+(?:of\s+)?${MONTH}(?:,?\s+(\d{4})\b)?`, 'i'),
    read: (m, now) => upcoming(monthIndex(m[2]!), +m[1]!, m[3], now),
  },
  { re: /\b(?:the\s+)?day\s+after\s+tomorrow\b/i, read: (_m, now) => isoOf(addDays(today(now), 2)) },
  // With the usual slips: "tomorow", "tommorow", "tommorrow".
  { re: /\b(today|tonight|tom+or+ow|tmrw|tmr)\b/i, read: (m, now) => isoOf(addDays(today(now), /^to(day|night)$/i.test(m[1]!) ? 0 : 1)) },
  // es, fr, de: "pasado mañana", "après-demain", "übermorgen"; "mañana", "demain", "morgen"; "hoy", "aujourd'hui", "heute".
  // "por la mañana" and "guten Morgen" are the morning, not tomorrow.
  { re: new RegExp(`${L_BEFORE}(pasado\\s+mañana|après-demain|apres-demain|übermorgen)${L_AFTER}`, 'iu'), read: (_m, now) => isoOf(addDays(today(now), 2)) },
  {
    re: new RegExp(`${L_BEFORE}(?<!(?:la|esta|guten|am|heute|pasado)\\s+)(mañana|demain|morgen|hoy|aujourd'hui|heute)${L_AFTER}`, 'iu'),
    read: (m, now) => isoOf(addDays(today(now), /^(hoy|aujourd'hui|heute)$/i.test(m[1]!) ? 0 : 1)),
  },
  {
    re: new RegExp(
      `${L_BEFORE}(?:el\\s+|le\\s+|am\\s+|den\\s+)?(\\d{1,2})(?:\\.|º|er)?\\s+(?:de\\s+)?${FOREIGN_MONTH}${L_AFTER}(?:\\s+(?:de\\s+)?(\\d{4}))?`,
      'iu',
    ),
    read: (m, now) => upcoming(FOREIGN_MONTHS[m[2]!.toLowerCase()]!, +m[1]!, m[3], now),
  },
  {
    re: new RegExp(`${L_BEFORE}(próximo\\s+|proximo\\s+|prochain\\s+|nächsten\\s+|naechsten\\s+|kommenden\\s+)?${FOREIGN_DAY}${L_AFTER}(\\s+prochain)?`, 'iu'),
    read: (m, now) => weekdayIndex(foreignDay(m[2]!), Boolean(m[1] || m[3]), now),
  },
  // "next Monday" is the first Monday after today; "this Monday" or a bare "Monday" may be today.
  { re: new RegExp(String.raw`\b(next|this|on|coming)?\s*${WEEKDAY}\b`, 'i'), read: (m, now) => weekday(m[2]!, m[1]?.toLowerCase() === 'next', now) },
  {
    re: /\bin\s+(\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|a\s+couple\s+of|a\s+few)\s+(days?|weeks?|fortnights?|months?|years?)\b/i,
    read: (m, now) => later(count(m[1]!.replace(/^a\s+(couple|few)\s*(of)?$/i, '$1')), m[2]!, now),
  },
  {
    re: /\b(\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s+(days?|weeks?|months?)\s+from\s+(?:now|today)\b/i,
    read: (m, now) => later(count(m[1]!), m[2]!, now),
  },
  { re: /\bnext\s+week\b/i, read: (_m, now) => isoOf(addDays(today(now), 7)) },
  {
    re: /\bnext\s+month\b/i,
    read: (_m, now) => {
      const t = today(now);
      return isoOf(utc(t.getUTCFullYear(), t.getUTCMonth() + 1, 1));
    },
  },
];

/** "Saturday not Friday": a date ruled out. */
const NEGATED = /\b(?:not|no|nicht|pas)\s+(?:on\s+|the\s+|el\s+|le\s+|am\s+)?$/i;

/** Dates as ISO `YYYY-MM-DD`, relative ones counted from `now` in UTC. */
export function findDates(text: string, now: Date): Hit<string>[] {
  const hits: Hit<string>[] = [];
  for (const { re, read } of RULES)
    for (const m of matchAll(text, re)) {
      const lead0 = m[0].length - m[0].trimStart().length;
      if (endsWith(NEGATED, text, m.index + lead0)) continue;
      const value = read(m, now);
      // A weekday rule may match only leading spaces before the name; trim them off the span.
      const lead = m[0].length - m[0].trimStart().length;
      if (value) hits.push({ value, start: m.index + lead, end: m.index + m[0].length });
    }
  return dropOverlaps(hits);
}
