/**
 * The graph in process with LangGraph's MemorySaver: field attempts, setting a field aside,
 * declining optional questions, completion at the required fields, the bounded window, and the
 * embedded model's tokens in streamEvents.
 */
import t from 'tap';
import { MemorySaver } from '@langchain/langgraph';
import { compileGraph } from '../../src/graph/graph.js';
import { EmbeddedChatModel } from '../../src/models/embedded.js';
import { ruleExtractor } from '../../src/models/extractor.js';
import type { IntakeStateType } from '../../src/graph/state.js';
import { CLOSING_LINE } from '../../src/graph/prompts.js';
import type { Template } from '@chat/shared';
import { leadIntake } from '../helpers.js';

const deps = { model: new EmbeddedChatModel(), extractor: ruleExtractor, contextMessages: 4, maxFieldAttempts: 3 };

function session() {
  const graph = compileGraph(deps, new MemorySaver());
  const config = { configurable: { thread_id: `t-${Math.random()}` } };
  let n = 0;
  const send = async (text: string, first = false) =>
    (await graph.invoke({ input: { id: `m${++n}`, text }, ...(first ? { template: leadIntake } : {}) }, config)) as IntakeStateType;
  return { graph, config, send };
}

t.test('an invalid value is asked again, then set aside after MAX_FIELD_ATTEMPTS', async (t) => {
  const { send } = session();
  await send('hi', true);
  let s = await send("I'm Ann Lee");
  t.equal(s.askedField, 'email');
  for (let i = 1; i <= 2; i++) {
    s = await send('ann@nowhere');
    t.same(
      s.invalid.map((x) => x.field),
      ['email'],
      `attempt ${i} is invalid`,
    );
    t.equal(s.askedField, 'email', 'and the email is asked again');
    t.match(s.lastReply, /doesn't look right/);
  }
  s = await send('ann@nowhere');
  t.same(s.deferred, ['email'], 'third invalid attempt sets the field aside');
  t.equal(s.askedField, 'phone', 'the conversation moves on');
  t.notOk('email' in s.data, 'nothing invalid is stored');
  t.equal(s.status, 'collecting');
  for (const a of ['skip', 'skip', 'skip', 'skip']) s = await send(a);
  t.equal(s.askedField, 'email', 'a required field set aside comes back at the end');
  s = await send('ann@example.com');
  t.equal(s.status, 'complete');
  t.match(s.lastReply, /Thanks Ann Lee! We'll email ann@example\.com within a day\./);
});

t.test('optional questions can be declined; corrections after completion keep it complete', async (t) => {
  const { send } = session();
  await send('hello', true);
  let s = await send("I'm Bo Chan, bo@example.com");
  t.equal(s.status, 'complete', 'the required fields make it complete');
  t.equal(s.askedField, 'phone', 'and the optional ones are still asked');
  s = await send("I'd rather not");
  t.same(s.declined, ['phone']);
  t.notOk('phone' in s.data, 'a refusal is not a phone number');
  s = await send('budget is 300 dollars, pitched roof, start next monday');
  t.equal(s.status, 'complete');
  t.equal(s.data.roof, 'pitched');
  s = await send('actually my email is bo.chan@example.com');
  t.equal(s.status, 'complete');
  t.equal(s.data.email, 'bo.chan@example.com');
  t.match(s.lastReply, /updated your email address to bo\.chan@example\.com/);
});

t.test('complete at the turn the last required value arrives; the optional fields are then offered in template order', async (t) => {
  const { send } = session();
  let s = await send('hi', true);
  t.equal(s.status, 'collecting');
  s = await send("I'm Ann Lee");
  t.equal(s.status, 'collecting', 'one required field of two');
  t.notOk(s.justCompleted);
  s = await send('ann@example.com');
  t.equal(s.status, 'complete', 'complete with the last required value');
  t.ok(s.justCompleted);
  t.equal(s.askedField, 'phone', 'the first optional field is asked next');
  t.equal(
    s.lastReply,
    `Thanks Ann Lee! We'll email ann@example.com within a day. If you like, what's the best phone number to reach you? You can also say "skip".`,
    'the completion message, then the optional question',
  );
  s = await send('+1 415 555 0100');
  t.equal(s.status, 'complete', 'an optional answer keeps it complete');
  t.notOk(s.justCompleted, 'completion is announced once');
  t.equal(s.data.phone, '+1 415 555 0100', 'and is stored');
  t.equal(s.askedField, 'budget');
  t.match(s.lastReply, /^Thanks! If you like, what's your monthly budget in USD\?/, 'acknowledged, then the next optional question');
  t.notMatch(s.lastReply, /We'll email/, 'without repeating the completion message');
  s = await send('skip');
  t.same(s.declined, ['budget']);
  t.equal(s.askedField, 'roof');
  s = await send('actually my email is ann.lee@example.org');
  t.equal(s.status, 'complete');
  t.equal(s.data.email, 'ann.lee@example.org', 'a correction after completion is honoured');
  t.match(s.lastReply, /updated your email address to ann\.lee@example\.org\. If you like, which best describes your roof/);
  s = await send('flat');
  s = await send('2027-03-01');
  t.same(s.data, { name: 'Ann Lee', email: 'ann.lee@example.org', phone: '+1 415 555 0100', roof: 'flat', start: '2027-03-01' });
  t.equal(s.askedField, null, 'nothing left to ask');
  t.equal(s.lastReply, `Thanks! ${CLOSING_LINE}`, 'a short closing line');
  t.equal(s.status, 'complete');
  s = await send('thanks, bye');
  t.equal(s.lastReply, CLOSING_LINE);
  t.equal(s.status, 'complete');
});

t.test('everything in one message: the completion message alone, nothing left to ask', async (t) => {
  const { send } = session();
  await send('hi', true);
  const s = await send("I'm Cy Park, cy@example.com, +1 415 555 0100, budget 200, flat roof, start on 2027-05-01");
  t.equal(s.status, 'complete');
  t.equal(s.askedField, null);
  t.equal(s.lastReply, "Thanks Cy Park! We'll email cy@example.com within a day.");
});

t.test('a template without required fields completes once nothing is left to ask', async (t) => {
  const optional: Template = { id: 'opt', version: 1, fields: { phone: { type: 'string', format: 'phone' }, notes: { type: 'string' } } };
  const graph = compileGraph(deps, new MemorySaver());
  const config = { configurable: { thread_id: `o-${Math.random()}` } };
  let s = (await graph.invoke({ input: { id: 'a', text: 'hello' }, template: optional }, config)) as IntakeStateType;
  t.equal(s.status, 'collecting', 'not complete before the visitor said anything');
  s = (await graph.invoke({ input: { id: 'b', text: 'skip' } }, config)) as IntakeStateType;
  t.equal(s.status, 'collecting');
  s = (await graph.invoke({ input: { id: 'c', text: 'skip' } }, config)) as IntakeStateType;
  t.equal(s.status, 'complete');
});

t.test('state stays bounded however long the conversation: the history window is turn input, never state', async (t) => {
  const { graph, config } = session();
  const window: Array<{ role: 'user' | 'assistant'; text: string }> = [];
  const sizes: number[] = [];
  let s!: IntakeStateType;
  for (let i = 0; i < 30; i++) {
    const text = `message number ${String(i).padStart(2, '0')}`;
    s = (await graph.invoke(
      { input: { id: `b${i}`, text }, history: window.slice(), ...(i === 0 ? { template: leadIntake } : {}) },
      config,
    )) as IntakeStateType;
    window.push({ role: 'user', text }, { role: 'assistant', text: s.lastReply });
    sizes.push(JSON.stringify((await graph.getState(config)).values).length);
  }
  t.same(s.history, [], 'the window is cleared by the reply node');
  t.notOk('messages' in s || 'recent' in s, 'no message window or replay memory in the state');
  t.equal(s.turns, 30);
  // Within a few bytes: only counters and ids gain digits.
  t.ok(sizes[29]! - sizes[1]! <= 4, `the state at turn 30 weighs what it did at turn 2 (${sizes[1]} -> ${sizes[29]} chars)`);
  // Past CONTEXT_MESSAGES (4 here) the prompt stops growing however long the history handed in.
  const prompt = async (history: typeof window) =>
    ((await graph.invoke({ input: { id: `p${history.length}`, text: 'ok' }, history }, config)) as IntakeStateType).promptChars;
  const long = (n: number) => Array.from({ length: n }, (_, i) => ({ role: i % 2 ? ('assistant' as const) : ('user' as const), text: 'x'.repeat(50) }));
  t.equal(await prompt(long(12)), await prompt(long(4)), 'only the last CONTEXT_MESSAGES reach the model');
  t.ok((await prompt(long(4))) > (await prompt(long(2))), 'and those do');
});

t.test('the embedded model streams through streamEvents like a provider', async (t) => {
  const { graph, config } = session();
  const tokens: string[] = [];
  for await (const ev of graph.streamEvents({ input: { id: 'x', text: 'hi' }, template: leadIntake }, { ...config, version: 'v2' })) {
    if (ev.event === 'on_chat_model_stream' && ev.tags?.includes('reply')) tokens.push(String(ev.data.chunk.content));
  }
  t.ok(tokens.length > 5);
  t.match(tokens.join(''), /^Hi! I can get you a solar quote in a minute\. What's your full name\?$/);
});

t.test('validators follow the template fields, not just its id and version', async (t) => {
  const make = (values: string[]) => ({ id: 'same', version: 1, fields: { kind: { type: 'string' as const, enum: values, required: true } } });
  const run = async (values: string[], text: string) => {
    const graph = compileGraph(deps, new MemorySaver());
    const config = { configurable: { thread_id: `v-${Math.random()}` } };
    await graph.invoke({ input: { id: 'a', text: 'hi' }, template: make(values) }, config);
    return (await graph.invoke({ input: { id: 'b', text } }, config)) as IntakeStateType;
  };
  t.equal((await run(['aa', 'bb'], 'aa')).data.kind, 'aa');
  const other = await run(['cc', 'dd'], 'aa');
  t.notOk('kind' in other.data, "another tenant's template with the same id and version keeps its own enum");
  t.equal((await run(['cc', 'dd'], 'dd')).data.kind, 'dd');
});
