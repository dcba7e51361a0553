import t from 'tap';
import { findBooleans } from '../../../src/models/extract/boolean.js';

const first = (text: string) => findBooleans(text)[0]?.value;

t.test('yes and no, many ways', async (t) => {
  const cases: Array<[string, boolean]> = [
    ['yes', true],
    ['Yeah', true],
    ['yep!', true],
    ['sure', true],
    ['of course', true],
    ['true', true],
    ['y', true],
    ['we do, a 10kWh one', true],
    ['no', false],
    ['Nope', false],
    ['nah', false],
    ['false', false],
    ['not really', false],
    ["I don't", false],
    ['no thanks', false],
    ['n', false],
  ];
  for (const [text, want] of cases) t.equal(first(text), want, text);
});

t.test('hedges are neither', async (t) => {
  for (const text of ['not sure', "I don't know", 'maybe', "I'm not sure", 'no idea']) t.equal(first(text), undefined, text);
});

t.test('words that only contain yes or no', async (t) => {
  for (const text of ['nothing', 'yesterday', 'notable', 'sunny']) t.equal(first(text), undefined, text);
});

t.test('hits come in text order', async (t) => {
  t.same(
    findBooleans('yes to the battery, no to the pool').map((h) => h.value),
    [true, false],
  );
});
