import t from 'tap';
import { findEnumValues } from '../../../src/models/extract/enum.js';

const roof = ['flat', 'pitched', 'unknown'];
const first = (text: string, values: Array<string | number> = roof) => findEnumValues(text, values)[0];

t.test('by value, any case', async (t) => {
  for (const [text, want] of [
    ['flat', 'flat'],
    ['FLAT roof', 'flat'],
    ["it's Pitched", 'pitched'],
    ['unknown', 'unknown'],
  ] as const) {
    t.equal(first(text)?.value, want, text);
    t.equal(first(text)?.how, 'exact', text);
  }
});

t.test('by synonym', async (t) => {
  const cases: Array<[string, string]> = [
    ['sloped', 'pitched'],
    ["it's slanted", 'pitched'],
    ['angled, I think', 'pitched'],
    ['not sure', 'unknown'],
    ["I don't know", 'unknown'],
    ['no idea', 'unknown'],
    ['dunno', 'unknown'],
    ['level', 'flat'],
  ];
  for (const [text, want] of cases) {
    t.equal(first(text)?.value, want, text);
    t.equal(first(text)?.how, 'synonym', text);
  }
});

t.test('by prefix or one typo', async (t) => {
  const cases: Array<[string, string]> = [
    ['pitch', 'pitched'],
    ['pitchd', 'pitched'],
    ['flatt', 'flat'],
    ['unkno', 'unknown'],
  ];
  for (const [text, want] of cases) {
    t.equal(first(text)?.value, want, text);
    t.equal(first(text)?.how, 'fuzzy', text);
  }
});

t.test('multi-word and snake_case values', async (t) => {
  const values = ['solar_panels', 'heat pump', 'Other'];
  t.equal(first('solar panels please', values)?.value, 'solar_panels');
  t.equal(first('a HEAT PUMP', values)?.value, 'heat pump');
  t.equal(first('something else', values)?.value, 'Other', 'synonym keeps the template spelling');
});

t.test('a value ruled out is no answer', async (t) => {
  t.same(
    findEnumValues('not flat, pitched', roof).map((h) => h.value),
    ['pitched'],
  );
});

t.test('nothing, or nothing distinct', async (t) => {
  t.equal(first('hello there'), undefined);
  t.equal(first('pit'), undefined, 'too short a prefix');
  t.equal(first('small', ['smaller', 'smallest']), undefined, 'a prefix of two values is ambiguous');
});

t.test('numeric enum values are left to the number extractor', async (t) => {
  t.same(findEnumValues('2 floors', [1, 2, 3]), []);
});
