import t from 'tap';
import { findPhones } from '../../../src/models/extract/phone.js';

const values = (text: string) => findPhones(text).map((h) => h.value);

t.test('phones in international and local formats', async (t) => {
  const cases: Array<[string, string[]]> = [
    ['+44 20 7946 0958', ['+44 20 7946 0958']],
    // Brackets around an area code go (a stored phone starts with a digit or "+"); the digits stay.
    ['call me on (555) 123-4567 after 5', ['555 123-4567']],
    ['call me at (415) 555-0134', ['415 555-0134']],
    ['+44 (0)20 7946 0958', ['+44 20 7946 0958']],
    ['+1-202-555-0143', ['+1-202-555-0143']],
    ['mobile 07700 900123, thanks', ['07700 900123']],
    ['+33 1 23 45 67 89', ['+33 1 23 45 67 89']],
    ['555.123.4567', ['555.123.4567']],
    ['2025550143', ['2025550143']],
    ['+4915112345678', ['+4915112345678']],
  ];
  for (const [text, want] of cases) t.same(values(text), want, text);
});

t.test('numbers that are not phones', async (t) => {
  const cases = [
    'budget 1500000', // seven digits, no shape: an amount
    '$1,500',
    'between 2000-3000',
    '2k a month',
    'call 911', // too short
    '+1 234 567 890 123 456 789', // too long
    '3 bedrooms and 2 floors',
  ];
  for (const text of cases) t.same(values(text), [], text);
});

t.test('a national number in parentheses passes the template format once extracted (the lead-intake miss)', async (t) => {
  const { fieldValidators } = await import('@chat/shared');
  const check = fieldValidators({ id: 'p', version: 1, fields: { phone: { type: 'string', format: 'phone' } } }).phone!;
  t.notOk(check('(415) 555-0134'), 'as typed, the format refuses it');
  for (const text of ['call me at (415) 555-0134', '(020) 7946 0018', '+1 (212) 555-0199']) {
    const [v] = values(text);
    t.ok(v && check(v), `${text} -> ${v}`);
  }
});
