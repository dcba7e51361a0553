/**
 * The embedded extractor on 4 000 characters of adversarial text (the longest message the engine
 * takes): repeats aimed at every extractor's regexes. Each input must finish and give the right
 * result; timings are printed, never asserted (the growth bound is in bench/micro/extract-linear.ts).
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import type { Template } from '@chat/shared';
import { extract } from '../../../src/models/extract/index.js';
import { findBooleans } from '../../../src/models/extract/boolean.js';
import { findEmails } from '../../../src/models/extract/email.js';
import { findName } from '../../../src/models/extract/name.js';

const lead = JSON.parse(readFileSync(new URL('../../fixtures/lead-intake.json', import.meta.url), 'utf8')) as Template;
const survey = JSON.parse(readFileSync(new URL('../../fixtures/home-survey.json', import.meta.url), 'utf8')) as Template;
const now = new Date('2027-01-06T10:00:00Z');
const N = 4000;
/** `unit` repeated to exactly `n` characters, then `tail`. */
const fill = (unit: string, tail = '', n = N) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n - tail.length) + tail;

function timed<T>(t: { comment: (msg: string) => void }, label: string, f: () => T): T {
  const start = performance.now();
  const out = f();
  t.comment(`${label}: ${(performance.now() - start).toFixed(1)} ms`);
  return out;
}

const cases: Array<{ label: string; text: string; template?: Template; asked?: string | null; want: Record<string, unknown> }> = [
  // name: a cue repeated through the message (each used to rescan the rest of the text)
  { label: 'name: "i am " x 800', text: 'i am '.repeat(800), want: {} },
  { label: 'name: "i am " x 799 then Ann', text: `${'i am '.repeat(799)}Ann`, want: { name: 'Ann' } },
  { label: 'name: "my name is " repeated then Ann Lee', text: fill('my name is ', ' Ann Lee'), want: { name: 'Ann Lee' } },
  { label: "name: \"it's \" repeated, name asked (was \"It'S It'S It'S It'S\")", text: fill("it's "), asked: 'name', want: {} },
  { label: 'name: one 4 000-letter word, name asked (no name: names are words)', text: 'a'.repeat(N), asked: 'name', want: {} },
  // email: long runs without an @ (every start used to rescan its run), spelled-out addresses
  { label: 'email: "a." repeated, no @', text: fill('a.'), want: {} },
  { label: 'email: "a-" repeated, no @', text: fill('a-'), want: {} },
  { label: 'email: "1-" repeated, no @ (a phone-shaped run is a phone)', text: fill('1-'), want: { phone: '1-1-1-1-1-1-1-1-1-1-1-1-1' } },
  { label: 'email: 3 990 letters then @x.io', text: `${'b'.repeat(N - 5)}@x.io`, want: { email: `${'b'.repeat(N - 5)}@x.io` } },
  // An asked field with nothing found takes the whole message as its answer; the validator refuses it.
  { label: 'email: "a at " repeated, email asked', text: fill('a at '), asked: 'email', want: { email: fill('a at ').trim() } },
  {
    label: 'email: "a.a" run then at x dot io, email asked',
    text: fill('a.', 'a at x dot io'),
    asked: 'email',
    want: { email: `${fill('a.', 'a', N - 12)}@x.io` },
  },
  { label: 'email: spaces then at, email asked', text: `ann${' '.repeat(N - 10)}at x.io`, asked: 'email', want: { email: 'ann@x.io' } },
  // numbers: many hits, each used to test the whole text before it for "not"
  {
    label: 'number: "1 " repeated, budget asked (digits with spaces read as a phone)',
    text: fill('1 '),
    asked: 'budget',
    want: { phone: '1 1 1 1 1 1 1 1 1 1 1 1 1' },
  },
  { label: 'number: "not " repeated then 2k', text: fill('not ', '2k'), asked: 'budget', want: {} },
  { label: 'number: "$1 " repeated', text: fill('$1 '), want: { budget: 1 } },
  { label: 'number: "one hundred and " repeated (was Infinity)', text: fill('one hundred and '), asked: 'budget', want: { budget: 101 } },
  // date
  { label: 'date: spaces then monday', text: fill(' ', 'monday'), asked: 'start', want: { start: '2027-01-11' } },
  { label: 'date: "jan " repeated', text: fill('jan '), asked: 'start', want: { start: fill('jan ').trim() } },
  { label: 'date: "in a " repeated', text: fill('in a '), asked: 'start', want: { start: fill('in a ').trim() } },
  // phone
  { label: 'phone: "+1 (" repeated', text: fill('+1 ('), asked: 'phone', want: { phone: fill('+1 (').trim() } },
  {
    label: 'phone: "1-" repeated then a number (the first run wins)',
    text: fill('1-', ' +44 20 7946 0958'),
    asked: 'phone',
    want: { phone: '1-1-1-1-1-1-1-1-1-1-1-1-1' },
  },
  // enum
  { label: 'enum: "not " repeated then flat (negated)', text: fill('not ', 'flat'), asked: 'roof', want: { roof: fill('not ', 'flat') } },
  { label: 'enum: "flat " repeated', text: fill('flat '), asked: 'roof', want: { roof: 'flat' } },
  { label: 'enum: "not sure " repeated', text: fill('not sure '), asked: 'roof', want: { roof: 'unknown' } },
  // booleans (the survey template's has_battery)
  { label: 'boolean: "n " repeated, battery asked', text: fill('n '), template: survey, asked: 'has_battery', want: { has_battery: false } },
  { label: 'boolean: "y " repeated, battery asked', text: fill('y '), template: survey, asked: 'has_battery', want: { has_battery: true } },
  // corrections: a cue in every sentence
  { label: 'corrections: "sorry. " repeated then a name', text: fill('sorry. ', " sorry, I'm Ann"), want: { name: 'Ann' } },
];

t.test('every adversarial message completes with the right values', async (t) => {
  for (const c of cases) {
    t.equal(c.text.length <= N, true, `${c.label}: within the message limit`);
    const got = timed(t, c.label, () => extract(c.text, { template: c.template ?? lead, askedField: c.asked ?? null, data: {}, now }));
    t.same(got.values, c.want, c.label);
  }
});

t.test('the extractors one by one', async (t) => {
  t.equal(
    timed(t, 'findName "i am " x 800', () => findName('i am '.repeat(800), false)),
    null,
  );
  t.equal(timed(t, 'findName cue, then 4 000 spaces, then Ann', () => findName(`i am${' '.repeat(N - 8)}Ann`, false))?.value, 'Ann');
  t.same(
    timed(t, 'findEmails "ab" x 2000', () => findEmails(fill('ab'), true)),
    [],
  );
  t.same(
    timed(t, 'findEmails "a@" x 2000', () => findEmails(fill('a@'))).map((h) => h.value),
    [fill('a@')],
  );
  t.same(
    timed(t, 'findEmails mailto: inside a word', () => findEmails('xmailto:ann@x.io')).map((h) => [h.value, h.start]),
    [['ann@x.io', 8]],
  );
  const bools = timed(t, 'findBooleans "n " x 2000', () => findBooleans(fill('n ')));
  t.equal(bools.length, N / 2);
  t.ok(bools.every((b) => b.value === false));
  t.same(
    findBooleans('not sure, no').map((b) => b.value),
    [false],
    'a hedge still hides its "no"',
  );
});
