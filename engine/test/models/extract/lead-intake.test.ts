/** Whole messages against the brief's example template, as the graph will call the extractor. */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { validateTemplate, fieldValidators, type Template } from '@chat/shared';
import { extract } from '../../../src/models/extract/index.js';

const template = JSON.parse(readFileSync(new URL('../../fixtures/lead-intake.json', import.meta.url), 'utf8')) as Template;
/** Wednesday 6 January 2027. */
const now = new Date('2027-01-06T10:00:00Z');
const run = (text: string, askedField: string | null = null, data: Record<string, unknown> = {}) => extract(text, { template, askedField, data, now });

t.test('the fixture is the brief example and is a valid template', async (t) => {
  t.ok(validateTemplate(template).ok);
});

t.test('several fields in one message', async (t) => {
  const cases: Array<[string, string | null, Record<string, unknown>]> = [
    ["I'm Ann Lee, ann@example.com, budget about 2k a month, flat roof", null, { name: 'Ann Lee', email: 'ann@example.com', budget: 2000, roof: 'flat' }],
    [
      'Hi, this is Bob Stone. Reach me at bob@stone.io or +44 20 7946 0958, we could start next Monday',
      null,
      { name: 'Bob Stone', email: 'bob@stone.io', phone: '+44 20 7946 0958', start: '2027-01-11' },
    ],
    [
      'My name is carla diaz and my roof is sloped; about $1,500 per month; phone (555) 123-4567',
      null,
      { name: 'Carla Diaz', phone: '555 123-4567', budget: 1500, roof: 'pitched' },
    ],
    ['start on 2027-03-01 with two thousand dollars a month', null, { budget: 2000, start: '2027-03-01' }],
    ['call me on +1-202-555-0143, budget 200', 'email', { phone: '+1-202-555-0143', budget: 200 }],
  ];
  for (const [text, asked, want] of cases) t.same(run(text, asked), { values: want, corrected: [] }, text);
});

t.test('every value found is valid for its field', async (t) => {
  const validators = fieldValidators(template);
  const { values } = run("I'm Ann Lee, ann@example.com, +1-202-555-0143, budget 2k, flat roof, start March 3rd");
  t.same(Object.keys(values).sort(), ['budget', 'email', 'name', 'phone', 'roof', 'start']);
  for (const [k, v] of Object.entries(values)) t.ok(validators[k]!(v), `${k} = ${JSON.stringify(v)}`);
});

t.test('numbers are not stolen by the wrong field', async (t) => {
  t.same(run('my phone is 555 123 4567').values, { phone: '555 123 4567' }, "a phone's digits are not a budget");
  t.same(run('we want to start 3 March 2027').values, { start: '2027-03-03' }, "a date's digits are not a budget");
  t.same(run('ann2000@example.com').values, { email: 'ann2000@example.com' }, "an email's digits are not a budget");
  t.same(run('I have 3 kids and a flat roof').values, { roof: 'flat' }, 'a bare number unasked goes nowhere');
  t.same(run('3000', 'budget').values, { budget: 3000 }, 'a bare number answers the question asked');
  t.same(run('2k').values, { budget: 2000 }, 'an amount goes to the only numeric field');
});

t.test('"2k", "2,000" and "two thousand" all give the same budget', async (t) => {
  for (const text of ['2k', '2,000', 'two thousand', 'about 2000 dollars', '$2,000 a month']) t.equal(run(text, 'budget').values.budget, 2000, text);
});

t.test('dates relative to a fixed now', async (t) => {
  const cases: Array<[string, string]> = [
    ['tomorrow', '2027-01-07'],
    ['next Monday', '2027-01-11'],
    ['in 2 weeks', '2027-01-20'],
    ['March 3rd', '2027-03-03'],
    ['2027-03-01', '2027-03-01'],
  ];
  for (const [text, want] of cases) t.same(run(text, 'start').values, { start: want }, text);
});

t.test('a malformed email when asked for the email is returned, to be rejected', async (t) => {
  const got = run('ann@example', 'email');
  t.same(got.values, { email: 'ann@example' });
  t.notOk(fieldValidators(template).email!(got.values.email), 'the caller will find it invalid');
  t.same(run('ann at example', 'email').values, { email: 'ann at example' }, 'no @ at all: the free answer, also invalid');
});

t.test('corrections', async (t) => {
  const data = { name: 'Ann Lee', email: 'ann@example.com', budget: 2000 };
  const cases: Array<[string, string | null, Record<string, unknown>, string[]]> = [
    ['actually my email is ann.lee@example.com', 'roof', { email: 'ann.lee@example.com' }, ['email']],
    ["sorry, it's ann@example.org", 'phone', { email: 'ann@example.org' }, ['email']],
    ['no, my name is Anne Lee', 'roof', { name: 'Anne Lee' }, ['name']],
    ['oops, make that 3k', 'roof', { budget: 3000 }, ['budget']],
    ['2k, sorry, I meant 2.5k', 'budget', { budget: 2500 }, ['budget']],
    ['actually my email is ann@example.com', null, { email: 'ann@example.com' }, []], // nothing changed
    ['my email is ann2@example.com', null, { email: 'ann2@example.com' }, []], // a new value, not announced as a correction
    ['Flat. Actually my budget is 3k', 'roof', { roof: 'flat', budget: 3000 }, ['budget']], // the cue covers its own sentence
  ];
  for (const [text, asked, values, corrected] of cases) t.same(run(text, asked, data), { values, corrected }, text);
});

t.test('the roof by synonym, and unknowns only when the roof is in question', async (t) => {
  t.same(run('slanted', 'roof').values, { roof: 'pitched' });
  t.same(run("I'm not sure", 'roof').values, { roof: 'unknown' });
  t.same(run('not sure about the roof').values, { roof: 'unknown' });
  t.same(run("I'm not sure", 'email').values, {}, 'not sure, asked for the email, is not a roof');
  t.same(run('pitched roof').values, { roof: 'pitched' });
  t.same(run('something else', 'roof').values, { roof: 'something else' }, 'an unknown choice is returned for the caller to reject');
});

t.test('negative examples', async (t) => {
  t.same(run('my budget is not set yet', 'budget').values, {});
  t.same(run("I'm interested in solar panels").values, {});
  t.same(run("I'm looking for a quote").values, {});
  t.same(run('what do you need my phone for?', 'phone').values, {});
  t.same(run('hello').values, {});
  t.same(run('no phone', 'phone'), { values: {}, corrected: [] }, 'a refusal is neither a phone nor a correction');
  t.same(run('yes', 'phone').values, {});
});
