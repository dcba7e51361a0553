/** Whole messages against a template with an integer, a boolean, a numeric enum, split names and notes. */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { validateTemplate, fieldValidators, type Template } from '@chat/shared';
import { extract } from '../../../src/models/extract/index.js';
import { fieldKind } from '../../../src/models/extract/fields.js';

const template = JSON.parse(readFileSync(new URL('../../fixtures/home-survey.json', import.meta.url), 'utf8')) as Template;
const run = (text: string, askedField: string | null = null, data: Record<string, unknown> = {}) =>
  extract(text, { template, askedField, data, now: new Date('2027-01-06T10:00:00Z') });

t.test('the fixture is a valid template, and each field has the kind it looks like', async (t) => {
  t.ok(validateTemplate(template).ok);
  const kinds = Object.fromEntries(Object.entries(template.fields).map(([k, d]) => [k, fieldKind(k, d)]));
  t.same(kinds, {
    first_name: 'name',
    last_name: 'name',
    bedrooms: 'number',
    has_battery: 'boolean',
    storeys: 'number',
    size: 'enum',
    notes: 'text',
  });
});

t.test('a full name fills first and last name', async (t) => {
  t.same(run("I'm ann lee").values, { first_name: 'Ann', last_name: 'Lee' });
  t.same(run('Ann', 'first_name').values, { first_name: 'Ann' });
  t.same(run('Lee', 'last_name').values, { last_name: 'Lee' }, 'a bare answer goes to the part asked');
  t.same(run('Ann Lee', 'first_name').values, { first_name: 'Ann', last_name: 'Lee' }, 'a full name is shared out');
});

t.test('integers: asked, named, or in words', async (t) => {
  t.same(run('3', 'bedrooms').values, { bedrooms: 3 });
  t.same(run('three', 'bedrooms').values, { bedrooms: 3 });
  t.same(run('we have 4 bedrooms', 'has_battery').values, { bedrooms: 4 }, 'named after the number');
  t.same(run('2.5', 'bedrooms').values, { bedrooms: 2.5 }, 'a fraction is returned and the validator rejects it');
  t.notOk(fieldValidators(template).bedrooms!(2.5));
});

t.test('yes/no for the boolean asked, or named nearby', async (t) => {
  const cases: Array<[string, boolean]> = [
    ['yes', true],
    ['yeah we do', true],
    ['sure', true],
    ['nope', false],
    ['no', false],
    ['false', false],
  ];
  for (const [text, want] of cases) t.same(run(text, 'has_battery').values, { has_battery: want }, text);
  t.same(run('battery: yes', 'bedrooms').values, { has_battery: true }, 'named');
  t.same(run('no', 'size').values, {}, 'a "no" to another question is not about the battery');
  t.same(run('not sure', 'has_battery').values, {}, 'a hedge is no answer');
});

t.test('numeric enum: by number, named or asked', async (t) => {
  t.same(run('2', 'storeys').values, { storeys: 2 });
  t.same(run('two', 'storeys').values, { storeys: 2 });
  t.same(run('it has 2 floors').values, { storeys: 2 });
  t.same(run('5', 'storeys').values, { storeys: 5 }, 'out of the enum, asked: returned for the caller to reject');
  t.notOk(fieldValidators(template).storeys!(5));
  t.same(run('5 floors and 3 bedrooms').values, { bedrooms: 3 }, 'out of the enum, unasked: not a storey count');
});

t.test('several numeric fields: each number goes to the field named next to it', async (t) => {
  t.same(run('3 bedrooms, 2 floors').values, { bedrooms: 3, storeys: 2 });
  t.same(run('floors: 1, bedrooms: 2').values, { bedrooms: 2, storeys: 1 });
  t.same(run('2 floors', 'bedrooms').values, { storeys: 2 }, 'the named field wins over the asked one');
  t.same(run('4', null).values, {}, 'a bare number with no question and no name goes nowhere');
});

t.test('string enum without its field named', async (t) => {
  t.same(run('a large house with 2 floors').values, { size: 'large', storeys: 2 });
  t.same(run('big', 'size').values, { size: 'large' }, 'synonym when asked');
  t.same(run('big').values, {}, 'synonym unasked is too weak');
});

t.test('a free answer for the notes', async (t) => {
  t.same(run('The roof faces south and there is a big oak tree', 'notes').values, {
    notes: 'The roof faces south and there is a big oak tree',
  });
  t.same(run('nothing else, thanks?', 'notes').values, {});
  t.same(run('skip', 'notes').values, {});
});

t.test('a correction of a number', async (t) => {
  t.same(run('actually it has 3 bedrooms', 'notes', { bedrooms: 2 }), { values: { bedrooms: 3 }, corrected: ['bedrooms'] });
});
