/**
 * Long visitor text in the validate node: a string value over the field's maxLength (or 1 000
 * characters, whatever the template says) is refused before Ajv or a pattern sees it, and the
 * "skip" test on an optional question stays linear on the longest message (4 000 characters).
 */
import t from 'tap';
import type { Template } from '@chat/shared';
import { MAX_VALUE_CHARS, makeValidateNode } from '../../src/graph/nodes/validate.js';
import type { IntakeStateType } from '../../src/graph/state.js';

const template: Template = {
  id: 'long',
  version: 1,
  fields: {
    notes: { type: 'string', description: 'anything else' },
    code: { type: 'string', maxLength: 8, pattern: '^[A-Z0-9]+$', required: true },
    handle: { type: 'string', pattern: '^[a-z]+$' },
  },
};
const validate = makeValidateNode({ maxFieldAttempts: 3 });
const state = (candidates: Record<string, unknown>, text = '', askedField: string | null = null) =>
  ({
    template,
    data: {},
    attempts: {},
    declined: [],
    deferred: [],
    candidates,
    corrected: [],
    askedField,
    status: 'collecting',
    input: { id: 'x', text },
  }) as unknown as IntakeStateType;

t.test('a string longer than the global cap is refused, even without maxLength', async (t) => {
  t.equal(MAX_VALUE_CHARS, 1000);
  const ok = validate(state({ notes: 'n'.repeat(1000) }));
  t.same(ok.data, { notes: 'n'.repeat(1000) }, '1 000 characters pass');
  const long = validate(state({ notes: 'n'.repeat(1001) }));
  t.same(long.data, {}, '1 001 are not stored');
  t.same(long.invalid, [{ field: 'notes', message: 'it should be at most 1000 characters' }]);
});

t.test("the field's own maxLength comes first, before its pattern", async (t) => {
  // The value breaks the pattern too: the reason given shows which check refused it.
  const r = validate(state({ code: 'abc!'.repeat(3) }));
  t.same(r.invalid, [{ field: 'code', message: 'it should be at most 8 characters' }]);
  const short = validate(state({ code: 'abc!' }));
  t.same(short.invalid, [{ field: 'code', message: 'it is not in the expected format' }], 'a short bad value still meets the pattern');
  const patterned = validate(state({ handle: `${'a'.repeat(4000)}!` }));
  t.same(patterned.invalid, [{ field: 'handle', message: 'it should be at most 1000 characters' }], 'a 4 000-character value never reaches RE2');
});

t.test('declining an optional question: linear on 4 000 characters', async (t) => {
  // Each used to take every split of the spaces between the phrase and the end (cubic: ~1 s at 1 000).
  const attacks = [`prefer not${' '.repeat(3987)}\n!x`, `i'd rather not${' '.repeat(3983)}\n.x`, `i don't want to${' '.repeat(3982)}\n x`];
  for (const text of attacks) {
    const start = performance.now();
    const r = validate(state({ notes: text }, text, 'notes'));
    t.comment(`${JSON.stringify(text.slice(0, 16))}…: ${(performance.now() - start).toFixed(1)} ms`);
    t.notOk((r.declined as string[]).includes('notes') && (r.changed as string[]).includes('notes'), 'not both declined and stored');
    t.same(r.invalid, [{ field: 'notes', message: 'it should be at most 1000 characters' }], 'not a decline: too long an answer');
  }
  for (const text of ['skip', 'Skip.', '  no thanks! ', "I'd rather not say", 'prefer not to', 'n/a', 'later', "i don't want to share that"]) {
    const r = validate(state({ notes: text }, text, 'notes'));
    t.same(r.declined, ['notes'], `"${text}" declines`);
    t.same(r.data, {}, `"${text}" is not stored`);
  }
  for (const text of ['skipping rope', 'no thanks, but call me', 'prefer not\nsomething else']) {
    const r = validate(state({ notes: text }, text, 'notes'));
    t.same(r.declined, [], `"${text.replace('\n', '\\n')}" is an answer`);
  }
});
