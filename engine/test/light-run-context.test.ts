/**
 * The light run context (engine/src/light-run-context.ts) on LangChain's real singleton: what a
 * node can read from async-local storage is what LangChain gives it unpatched (its config, the
 * stream writer, context variables set outside the run), without an untraced RunTree per call; with
 * LangSmith tracing on, or a LangSmith tracer among a call's callbacks, LangChain's own path runs.
 */
import t from 'tap';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Annotation, END, MemorySaver, START, StateGraph, getConfig } from '@langchain/langgraph';
import { AsyncLocalStorageProviderSingleton } from '@langchain/core/singletons';
import { RunnableLambda } from '@langchain/core/runnables';
import { getContextVariable, setContextVariable } from '@langchain/core/context';
import { installLightRunContext, langSmithTracingOn } from '../src/light-run-context.js';

const State = Annotation.Root({ seen: Annotation<string[]>({ reducer: (a, b) => [...a, ...b], default: () => [] }) });

/** A two-node graph whose nodes report what async-local storage gives them. */
function graph() {
  const inner = RunnableLambda.from(async () => `inner:${String(getConfig().configurable?.thread_id)}`);
  return new StateGraph(State)
    .addNode('a', async (_s, config) => {
      config.writer?.({ token: 'tok' });
      const store = AsyncLocalStorageProviderSingleton.getInstance().getStore() as Record<string, unknown> | undefined;
      const runTree = store !== undefined && 'dotted_order' in store;
      return { seen: [`a:${String(getConfig().configurable?.thread_id)}`, `runTree:${runTree}`, `var:${String(getContextVariable('tenant'))}`] };
    })
    .addNode('b', async () => ({ seen: [await inner.invoke({})] }))
    .addEdge(START, 'a')
    .addEdge('a', 'b')
    .addEdge('b', END)
    .compile({ checkpointer: new MemorySaver() });
}

async function run() {
  const g = graph();
  const custom: unknown[] = [];
  let seen: string[] = [];
  for await (const [mode, chunk] of await g.stream({}, { configurable: { thread_id: 'th-1' }, streamMode: ['custom', 'values'] })) {
    if (mode === 'custom') custom.push(chunk);
    else seen = (chunk as { seen: string[] }).seen;
  }
  return { seen, custom };
}

t.test('tracing switches keep it out', async (t) => {
  t.ok(langSmithTracingOn({ LANGSMITH_TRACING: 'true' }));
  t.ok(langSmithTracingOn({ LANGCHAIN_TRACING_V2: 'true' }));
  t.notOk(langSmithTracingOn({ LANGSMITH_TRACING: 'false' }));
  const provider = { runWithConfig: () => 'original', getInstance: () => new AsyncLocalStorage() };
  const before = provider.runWithConfig;
  t.equal(installLightRunContext(provider as never, { LANGSMITH_TRACING: 'true' }), false, 'not installed with tracing on');
  t.equal(provider.runWithConfig, before, 'runWithConfig untouched');
});

t.test('a call carrying a LangSmith tracer takes the original path; others do not', async (t) => {
  const als = new AsyncLocalStorage<unknown>();
  let original = 0;
  const provider = {
    runWithConfig: (_c: unknown, cb: () => unknown) => {
      original++;
      return cb();
    },
    getInstance: () => als,
  };
  t.ok(installLightRunContext(provider as never, {}));
  t.ok(installLightRunContext(provider as never, {}), 'a second install is a no-op');
  const config = { configurable: { thread_id: 'x' } };
  const got = provider.runWithConfig(config, () => als.getStore());
  t.equal(original, 0, 'no tracer: the light path');
  t.same(got, { extra: { [Symbol.for('lc:child_config')]: config } }, 'the store carries the config where getRunnableConfig reads it');
  provider.runWithConfig({ callbacks: { handlers: [{ name: 'langchain_tracer' }] } }, () => undefined);
  provider.runWithConfig({ callbacks: [{ name: 'langchain_tracer' }] }, () => undefined);
  t.equal(original, 2, 'a tracer (in a manager or a list): the original path');
});

t.test('on the real singleton: nodes see the same config, writer and context variables, and no RunTree', async (t) => {
  t.notOk(langSmithTracingOn(), 'this test needs tracing off');
  setContextVariable('tenant', 'acme');
  const before = await run();
  t.same(before.seen, ['a:th-1', 'runTree:true', 'var:acme', 'inner:th-1'], 'unpatched: LangChain builds a RunTree per call');
  t.same(before.custom, [{ token: 'tok' }]);

  t.ok(installLightRunContext(), 'installed');
  const after = await run();
  t.same(after.seen, ['a:th-1', 'runTree:false', 'var:acme', 'inner:th-1'], 'patched: the same values, no RunTree');
  t.same(after.custom, before.custom, 'the custom stream is the same');
});
