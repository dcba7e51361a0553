/**
 * Template patterns run in linear time on visitor text (RE2): a pattern that would backtrack
 * catastrophically in JavaScript's RegExp answers at once through the engine's validation path.
 */
import t from 'tap';
import { MemorySaver } from '@langchain/langgraph';
import type { Template } from '@chat/shared';
import { compileGraph } from '../../src/graph/graph.js';
import { makeValidateNode } from '../../src/graph/nodes/validate.js';
import { EmbeddedChatModel } from '../../src/models/embedded.js';
import { ruleExtractor } from '../../src/models/extractor.js';
import type { IntakeStateType } from '../../src/graph/state.js';

// About 2^39 steps for a backtracking engine: it would not finish in a test's lifetime.
const EVIL = '^(\\w+\\s?)*$';
const ATTACK = `${'a'.repeat(39)}!`;
const template: Template = {
  id: 'handles',
  version: 1,
  fields: {
    handle: { type: 'string', description: 'user handle', pattern: EVIL, required: true },
    code: { type: 'string', description: 'member code', pattern: '^[A-Z]{2}[0-9]{4}$' },
  },
};

t.test('the validate node: an attack string is refused at once, real values pass', async (t) => {
  const validate = makeValidateNode({ maxFieldAttempts: 3 });
  const state = (candidates: Record<string, unknown>) =>
    ({
      template,
      data: {},
      attempts: {},
      declined: [],
      deferred: [],
      candidates,
      corrected: [],
      askedField: 'handle',
      status: 'collecting',
      input: { id: 'x', text: String(candidates.handle ?? '') },
    }) as unknown as IntakeStateType;
  const start = performance.now();
  const bad = validate(state({ handle: ATTACK }));
  t.comment(`attack string validated in ${(performance.now() - start).toFixed(2)} ms`);
  t.same(bad.invalid, [{ field: 'handle', message: 'it is not in the expected format' }]);
  t.same(bad.data, {}, 'nothing stored');
  const good = validate(state({ handle: 'ann lee', code: 'AB1234' }));
  t.same(good.data, { handle: 'ann lee', code: 'AB1234' }, 'ordinary values validate as before');
  t.equal(good.status, 'complete');
  const wrongCode = validate(state({ code: 'ab1234' }));
  t.same(wrongCode.invalid, [{ field: 'code', message: 'it is not in the expected format' }]);
});

t.test('a whole turn with the attack string as the answer', async (t) => {
  const graph = compileGraph({ model: new EmbeddedChatModel(), extractor: ruleExtractor, contextMessages: 4, maxFieldAttempts: 3 }, new MemorySaver());
  const config = { configurable: { thread_id: `p-${Math.random()}` } };
  await graph.invoke({ input: { id: 'a', text: 'hi' }, template }, config);
  const start = performance.now();
  const s = (await graph.invoke({ input: { id: 'b', text: ATTACK } }, config)) as IntakeStateType;
  t.comment(`turn with the attack string: ${(performance.now() - start).toFixed(1)} ms`);
  t.same(
    s.invalid.map((i) => i.field),
    ['handle'],
    'the answer is refused',
  );
  t.match(s.lastReply, /user handle doesn't look right \(it is not in the expected format\)/);
  t.equal(s.status, 'collecting');
});
