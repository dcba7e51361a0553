/**
 * The graph in process with LangGraph's MemorySaver: field attempts, setting a field aside,
 * declining optional questions, the bounded window, and the embedded model's tokens in streamEvents.
 */
import t from 'tap';
import { MemorySaver } from '@langchain/langgraph';
import { compileGraph } from '../../src/graph/graph.js';
import { EmbeddedChatModel } from '../../src/models/embedded.js';
import { ruleExtractor } from '../../src/models/extractor.js';
import type { IntakeStateType } from '../../src/graph/state.js';
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
    t.same(s.invalid.map((x) => x.field), ['email'], `attempt ${i} is invalid`);
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
  t.equal(s.askedField, 'phone');
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

t.test('state stays bounded however long the conversation: the history window is turn input, never state', async (t) => {
  const { graph, config } = session();
  const window: Array<{ role: 'user' | 'assistant'; text: string }> = [];
  const sizes: number[] = [];
  let s!: IntakeStateType;
  for (let i = 0; i < 30; i++) {
    const text = `message number ${String(i).padStart(2, '0')}`;
    s = (await graph.invoke({ input: { id: `b${i}`, text }, history: window.slice(), ...(i === 0 ? { template: leadIntake } : {}) }, config)) as IntakeStateType;
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
  const long = (n: number) => Array.from({ length: n }, (_, i) => ({ role: i % 2 ? 'assistant' as const : 'user' as const, text: 'x'.repeat(50) }));
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
