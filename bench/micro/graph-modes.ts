/**
 * `node --import tsx bench/micro/graph-modes.ts [turns]`: CPU per turn of the intake graph alone
 * (in-memory checkpointer, embedded model, zero delay, no HTTP, no Redis) under each way of
 * running it, so that the engine's per-turn cost can be split into "LangGraph + LangChain" and
 * "ours". Prints one line per mode. `MODE=<name>` runs one mode (for `--cpu-prof`), `RUNCTX=1` installs
 * the light run context as the engine process does (engine/src/runtime-patches.ts). The retired env
 * snapshot and random pool were measured the same way (docs/scaling.md, "Runtime patches").
 */
import { randomUUID } from 'node:crypto';
import { MemorySaver } from '@langchain/langgraph-checkpoint';
import { compileGraph } from '../../engine/src/graph/graph.js';
import { EmbeddedChatModel } from '../../engine/src/models/embedded.js';
import { ruleExtractor } from '../../engine/src/models/extractor.js';
import { LEAD_SCRIPT } from '../lib/journey.js';
import { writeBenchTenants, removeDir } from '../lib/stack.js';
import { REPLY_TAG, messageText } from '../../engine/src/graph/nodes/reply.js';
import { installLightRunContext } from '../../engine/src/light-run-context.js';

const turns = Number(process.argv[2] ?? 1200);
const t = writeBenchTenants();
removeDir(t.dir);
// RUNCTX=1: LangChain's per-call run context without the untraced RunTree (engine/src/light-run-context.ts).
if (process.env.RUNCTX && !installLightRunContext()) throw new Error('RUNCTX=1: LangSmith tracing is on in this environment');
const graph = compileGraph({ model: new EmbeddedChatModel(), extractor: ruleExtractor, contextMessages: 12, maxFieldAttempts: 3 }, new MemorySaver());

type Mode = (thread: string, input: object) => Promise<number>;
const modes: Record<string, Mode> = {
  async streamEvents(thread, input) {
    let n = 0;
    for await (const ev of graph.streamEvents(input, { configurable: { thread_id: thread }, version: 'v2', durability: 'exit' })) {
      if (ev.event === 'on_chat_model_stream' && ev.tags?.includes(REPLY_TAG)) n += messageText((ev.data.chunk as { content?: unknown }).content).length;
    }
    return n;
  },
  async messagesUpdates(thread, input) {
    let n = 0;
    for await (const [mode, chunk] of await graph.stream(input, {
      configurable: { thread_id: thread },
      streamMode: ['messages', 'updates'],
      durability: 'exit',
    })) {
      if (mode === 'messages') n += messageText((chunk as unknown as [{ content: unknown }])[0].content).length;
    }
    return n;
  },
  async customUpdates(thread, input) {
    let n = 0;
    for await (const [mode, chunk] of await graph.stream(input, {
      configurable: { thread_id: thread },
      streamMode: ['custom', 'updates'],
      durability: 'exit',
    })) {
      if (mode === 'custom') n += (chunk as { token: string }).token.length;
    }
    return n;
  },
  async invoke(thread, input) {
    const out = await graph.invoke(input, { configurable: { thread_id: thread }, durability: 'exit' });
    return (out.lastReply as string).length;
  },
};

async function session(mode: Mode) {
  const thread = randomUUID();
  for (let i = 0; i < LEAD_SCRIPT.length; i++) {
    const input = { input: { id: randomUUID(), text: LEAD_SCRIPT[i] }, ...(i === 0 ? { template: t.template } : {}) };
    await mode(thread, input);
  }
}

const only = process.env.MODE;
if (only) for (const k of Object.keys(modes)) if (k !== only) delete modes[k];
for (const mode of Object.values(modes)) for (let i = 0; i < 30; i++) await session(mode); // warm-up
// Interleaved rounds; the least CPU per mode (other processes on the machine only ever add).
const results: Record<string, number> = {};
for (let round = 0; round < 5; round++) {
  for (const [name, mode] of Object.entries(modes)) {
    const c0 = process.cpuUsage();
    const sessions = Math.ceil(turns / 5 / LEAD_SCRIPT.length);
    for (let i = 0; i < sessions; i++) await session(mode);
    const c = process.cpuUsage(c0);
    results[name] = Math.min(results[name] ?? Infinity, (c.user + c.system) / 1000 / (sessions * LEAD_SCRIPT.length));
  }
}
// Every mode must have produced the reply (a mode that streamed nothing would look cheap).
for (const [name, mode] of Object.entries(modes))
  if (!(await mode(randomUUID(), { input: { id: randomUUID(), text: LEAD_SCRIPT[0] }, template: t.template }))) throw new Error(`${name}: no reply`);
for (const [name, ms] of Object.entries(results)) console.log(`${name.padEnd(18)} ${ms.toFixed(3)} ms CPU per turn`);
