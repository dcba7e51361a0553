import t from 'tap';
import { findNumbers } from '../../../src/models/extract/number.js';

const values = (text: string) => findNumbers(text).map((h) => h.value);

t.test('digits, separators, units and currencies', async (t) => {
  const cases: Array<[string, number[]]> = [
    ['2k', [2000]],
    ['2,000', [2000]],
    ['2000', [2000]],
    ['$1,500', [1500]],
    ['about 1,500 dollars', [1500]],
    ['1.5 million', [1500000]],
    ['1.5m', [1500000]],
    ['2.5K per month', [2500]],
    ['£300', [300]],
    ['300 euros', [300]],
    ['USD 750', [750]],
    ['3 thousand', [3000]],
    ['0.5', [0.5]],
    ['1.1 million', [1100000]],
    ['3 bedrooms, 2 floors', [3, 2]],
    ['1,500-2,000', [1500, 2000]],
  ];
  for (const [text, want] of cases) t.same(values(text), want, text);
});

t.test('numbers in words', async (t) => {
  const cases: Array<[string, number[]]> = [
    ['two thousand', [2000]],
    ['a thousand dollars', [1000]],
    ['one hundred and fifty', [150]],
    ['twenty-five', [25]],
    ['two grand', [2000]],
    ['three', [3]],
    ['a million', [1000000]],
    ['two hundred thousand', [200000]],
  ];
  for (const [text, want] of cases) t.same(values(text), want, text);
});

t.test('"2k", "2,000" and "two thousand" are the same amount, and all count as amounts', async (t) => {
  for (const text of ['2k', '2,000 dollars', 'two thousand', '$2000']) {
    const [h] = findNumbers(text);
    t.equal(h?.value, 2000, text);
    t.ok(h?.unit, `${text} has a unit`);
  }
  t.notOk(findNumbers('2000')[0]?.unit, 'a bare number has none');
  t.ok(findNumbers('2000 a month')[0]?.unit, '"a month" makes it an amount');
});

t.test('what is not a number', async (t) => {
  const cases = ['my budget is not set yet', 'the 3rd', 'at 5pm', 'a grand idea', 'not 2k', 'b2b', 'a lot'];
  for (const text of cases) t.same(values(text), [], text);
});

t.test('a number taken back does not count, the one after it does', async (t) => {
  t.same(values('not 2k but 3k'), [3000]);
});

t.test('a range lends its magnitude to the lower bound', async (t) => {
  t.same(values('2-3k'), [2000, 3000]);
  t.same(values('1 to 1.5 million'), [1000000, 1500000]);
  t.same(values('1500-3k'), [1500, 3000], 'not when the first number is already the amount');
});

t.test('spans cover the amount and its unit', async (t) => {
  const text = 'budget about $1,500 dollars a month';
  const [h] = findNumbers(text);
  t.equal(text.slice(h!.start, h!.end), '$1,500 dollars');
});
