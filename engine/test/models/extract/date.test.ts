import t from 'tap';
import { findDates } from '../../../src/models/extract/date.js';

/** Wednesday 6 January 2027, late in the UTC day. */
const now = new Date('2027-01-06T23:30:00Z');
const values = (text: string, at = now) => findDates(text, at).map((h) => h.value);

t.test('absolute dates', async (t) => {
  const cases: Array<[string, string]> = [
    ['2027-03-01', '2027-03-01'],
    ['2027/3/1', '2027-03-01'],
    ['March 3rd', '2027-03-03'],
    ['march 3', '2027-03-03'],
    ['Mar. 3, 2028', '2028-03-03'],
    ['3 March 2027', '2027-03-03'],
    ['the 3rd of March', '2027-03-03'],
    ['1st sept', '2027-09-01'],
    ['12/25/2027', '2027-12-25'], // month first, as written in the US
    ['25/12/2027', '2027-12-25'], // unless the first number cannot be a month
    ['January 2nd', '2028-01-02'], // already past this year: the next one
    ['January 6th', '2027-01-06'], // today still counts
  ];
  for (const [text, want] of cases) t.same(values(text), [want], text);
});

t.test('dates relative to now', async (t) => {
  const cases: Array<[string, string]> = [
    ['today', '2027-01-06'],
    ['tomorrow', '2027-01-07'],
    ['the day after tomorrow', '2027-01-08'],
    ['next Monday', '2027-01-11'],
    ['next wednesday', '2027-01-13'], // "next" skips today
    ['this Friday', '2027-01-08'],
    ['on Wednesday', '2027-01-06'],
    ['in 2 weeks', '2027-01-20'],
    ['in two days', '2027-01-08'],
    ['in a month', '2027-02-06'],
    ['in a couple of weeks', '2027-01-20'],
    ['3 days from now', '2027-01-09'],
    ['next week', '2027-01-13'],
    ['next month', '2027-02-01'],
  ];
  for (const [text, want] of cases) t.same(values(text), [want], text);
});

t.test('a month later is clamped to the month end', async (t) => {
  t.same(values('in 1 month', new Date('2027-01-31T00:00:00Z')), ['2027-02-28']);
});

t.test('an impossible calendar day is still returned, for the caller to reject', async (t) => {
  t.same(values('2027-02-30'), ['2027-02-30']);
});

t.test('not dates', async (t) => {
  for (const text of ['I may start soon', 'lots of sun', 'I sat down', '2k a month', 'in 2', '13/13/2027', 'flat roof']) t.same(values(text), [], text);
});

t.test('the span covers the date phrase only', async (t) => {
  const text = 'we could start next Monday, ideally';
  const [h] = findDates(text, now);
  t.equal(text.slice(h!.start, h!.end), 'next Monday');
});
