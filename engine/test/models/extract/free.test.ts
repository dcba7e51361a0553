import t from 'tap';
import { fieldInfo } from '../../../src/models/extract/fields.js';
import { freeAnswer, sameAsBefore } from '../../../src/models/extract/free.js';

const notes = fieldInfo('notes', { type: 'string', description: 'anything else we should know' });
const roof = fieldInfo('roof', { type: 'string', enum: ['flat', 'pitched'] });
const budget = fieldInfo('budget', { type: 'number' });
const agree = fieldInfo('agree', { type: 'boolean' });
const name = fieldInfo('name', { type: 'string', description: 'full name' });
const email = fieldInfo('email', { type: 'string', format: 'email' });
const billing = fieldInfo('billing_email', { type: 'string', format: 'email' });

t.test('the trimmed message answers the question asked', async (t) => {
  t.equal(freeAnswer('  The garage roof   faces south.  ', notes), 'The garage roof faces south.');
  t.equal(freeAnswer('something odd', roof), 'something odd', 'an enum gets the attempt, for the caller to reject');
  t.equal(freeAnswer('sometime in spring', fieldInfo('start', { type: 'string', format: 'date' })), 'sometime in spring');
});

t.test('no free answer for questions, refusals or greetings', async (t) => {
  for (const text of ['what do you mean?', 'skip', "I'd rather not say", 'n/a', 'no', 'no phone', 'yes', 'thanks!', "I don't have one", '   '])
    t.equal(freeAnswer(text, notes), undefined, text);
});

t.test('numbers, yes/no and names take no free text', async (t) => {
  t.equal(freeAnswer('not set yet', budget), undefined);
  t.equal(freeAnswer('whatever', agree), undefined);
  t.equal(freeAnswer('not telling', name), undefined);
});

t.test('"same as before" copies a field of the same kind', async (t) => {
  const fields = [name, email, billing];
  const data = { name: 'Ann Lee', email: 'ann@example.com' };
  for (const text of ['same as before', 'Same.', 'the same as above', 'ditto', 'same as my email'])
    t.equal(sameAsBefore(text, billing, fields, data), 'ann@example.com', text);
  t.equal(sameAsBefore('same as my name', billing, fields, data), 'Ann Lee', 'a named field wins over the kind');
  t.equal(sameAsBefore('same as before', billing, fields, {}), undefined, 'nothing collected yet');
  t.equal(sameAsBefore('the same company', billing, fields, data), undefined, 'not the phrase');
});
