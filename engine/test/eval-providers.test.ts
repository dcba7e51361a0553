/**
 * The provider path of the extraction-quality suite, end to end, with the real LangChain clients
 * against local servers speaking OpenAI's chat-completions and Anthropic's Messages wire formats.
 * Those servers cannot judge a message, so they are scripted: on each conversation's last turn the
 * extraction tool call returns the dataset's expected values, with three deliberate errors (a wrong
 * choice, a value the visitor never gave, an out-of-range count); every other turn returns nothing.
 * The report must count exactly that. Template: table-booking (12 conversations).
 */
import t, { type Test } from 'tap';
import { startFakeAnthropic, startFakeOpenAI, lastUserText } from '../../scripts/testkit/index.js';
import { loadConfig } from '../src/config.js';
import { createModel } from '../src/models/providers.js';
import { loadDataset, runSuite } from '../../bench/eval/harness.js';
import { summarise, type EvalReport } from '../../bench/eval/report.js';

const ds = loadDataset();
const TEMPLATE = 'table-booking';
const convs = ds.conversations.filter((c) => c.template === TEMPLATE);
/** Deliberate errors: [conversation, field, value returned]. */
const WRONG: Array<[string, string, unknown]> = [
  ['booking-01', 'seating', 'bar'], // a wrong choice: a miss
  ['booking-06', 'email', 'sara@example.com'], // never given: a miss and a hallucinated field
  ['booking-03', 'guests', 99], // out of range: refused by the template, so a miss
];

// The script is keyed on each conversation's last message, which must say nothing else in the subset.
const lastTurns = new Map(convs.map((c) => [c.turns.at(-1)!, c]));
for (const c of convs) for (const text of c.turns.slice(0, -1)) if (lastTurns.has(text)) throw new Error(`"${text}" is not unique to one last turn`);

function script(said: string): Record<string, unknown> {
  const c = [...lastTurns.entries()].find(([last]) => said === last || said.endsWith(`\n${last}`) || said.endsWith(last))?.[1];
  if (!c) return {};
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(c.expected).filter(([, v]) => v !== null));
  for (const [id, field, value] of WRONG) if (id === c.id) out[field] = value;
  return { ...out, corrected: [] };
}

type Asserts = Pick<Test, 'same' | 'equal'>;

function checkReport(t: Asserts, r: EvalReport) {
  const fields = convs.reduce((n, c) => n + Object.keys(c.expected).length, 0);
  t.same(r.errors, [], 'every conversation ran');
  t.equal(r.conversations, 12, 'twelve conversations');
  t.same(r.fieldAccuracy, { ok: fields - 3, total: fields, rate: (fields - 3) / fields }, 'three misses out of every expected field');
  t.same(r.misses.map((m) => `${m.conversation}.${m.field}`).sort(), ['booking-01.seating', 'booking-03.guests', 'booking-06.email']);
  t.same(r.hallucinations, [{ conversation: 'booking-06', field: 'email', got: 'sara@example.com' }], 'the value never given is counted as hallucinated');
  t.equal(r.byKind.enum!.total - r.byKind.enum!.ok, 1, 'the wrong choice is an enum miss');
  t.equal(r.byKind.number!.total - r.byKind.number!.ok, 1, 'the refused count is a number miss');
  t.same(r.corrections, { ok: 2, total: 2, rate: 1 });
  t.same(r.invalidRefused, { ok: 2, total: 2, rate: 1 }, 'nothing was given on the turns that carried an invalid value');
  t.same(r.completed, { ok: 11, total: 12, rate: 11 / 12 }, 'booking-03 never got a valid head count');
  const turns = convs.filter((c) => c.id !== 'booking-03').map((c) => c.turns.length);
  t.equal(r.meanTurnsToCompletion, Math.round((turns.reduce((a, b) => a + b, 0) / turns.length) * 100) / 100, 'complete on each last turn');
  t.equal(
    r.turns,
    convs.reduce((n, c) => n + c.turns.length, 0),
  );
  t.equal(r.promptTokensPerTurn.modelCallsPerTurn, 2, 'one extraction and one reply call per turn');
}

const env = (extra: Record<string, string>) => loadConfig({ ENGINE_KEY: 'eval-test-key-0123456789', ...extra });

t.test('OpenAI wire: the harness runs end to end and counts what the model said', async (t) => {
  const fake = await startFakeOpenAI({
    tool: (req) => script(String([...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '')),
    reply: () => 'Noted. Anything else?',
  });
  t.teardown(() => fake.close());
  const config = env({ MODEL: 'openai:fake-model', OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'sk-test' });
  const result = await runSuite({ setup: await createModel(config), dataset: ds, only: TEMPLATE, concurrency: 3 });
  const r = summarise(result, { model: config.model, today: ds.today });
  checkReport(t, r);
  t.equal(fake.requests.filter((q) => q.tools?.length).length, r.turns, 'one tool call per turn reached the server');
  t.match(String(fake.requests.find((q) => q.tools?.length)!.messages[0]!.content), /Today is 2027-03-10/, "the suite's today reaches the extraction prompt");
});

t.test('Anthropic wire: the same suite through @langchain/anthropic', async (t) => {
  const fake = await startFakeAnthropic({ tool: (req) => script(lastUserText(req)), reply: () => 'Noted. Anything else?' });
  t.teardown(() => fake.close());
  const config = env({ MODEL: 'anthropic:claude-fake', ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'sk-ant-test' });
  const result = await runSuite({ setup: await createModel(config), dataset: ds, only: TEMPLATE, concurrency: 3 });
  const r = summarise(result, { model: config.model, today: ds.today });
  checkReport(t, r);
  const toolCalls = fake.requests.filter((q) => q.body.tools?.length);
  t.equal(toolCalls.length, r.turns, 'one tool call per turn');
  t.same(toolCalls[0]!.body.tool_choice, { type: 'tool', name: 'record_fields' }, 'extraction forces the record_fields tool');
  t.ok(
    fake.requests.some((q) => q.body.stream === true && !q.body.tools),
    'the reply is streamed',
  );
  t.ok(
    r.promptTokensPerTurn.reported !== null && r.promptTokensPerTurn.reported > 0,
    `the provider's input tokens are reported (${r.promptTokensPerTurn.reported} per turn)`,
  );
});
