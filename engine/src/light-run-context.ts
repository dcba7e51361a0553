/**
 * LangChain runs every runnable call (each LangGraph node, writer and branch: about a dozen per
 * turn) inside `AsyncLocalStorageProviderSingleton.runWithConfig`, which configures a callback
 * manager and, when no LangSmith tracer is among the callbacks, builds a langsmith `RunTree` with
 * `tracingEnabled: false` only to carry the call's config in async-local storage (a UUIDv7, two
 * microsecond date strings, environment lookups and ~40 property definitions per call; 12% of the
 * engine's CPU in the profile, docs/scaling.md). With LangSmith tracing off that RunTree is never
 * sent anywhere: what its readers take from it is the config (`getRunnableConfig`, under
 * `extra[lc:child_config]`), the context variables, and `tracingEnabled: false`, which is what the
 * environment says anyway. This keeps the same store shape without the RunTree: a plain
 * `{ extra: { [lc:child_config]: config } }` plus the context variables, as @langchain/core's own
 * code builds when it has no RunTree.
 *
 * Installed only when LangSmith tracing is off in the environment (read once: the engine snapshots
 * its env at start). A call whose callbacks carry a LangSmith tracer, or a configure hook asking
 * for one, still takes the original path. Known difference: `setContextVariable` inside a node
 * would drop the config from the store (it copies only RunTrees); the engine never calls it.
 */
import { AsyncLocalStorageProviderSingleton } from '@langchain/core/singletons';

const LC_CHILD_KEY = Symbol.for('lc:child_config');
const CONTEXT_VARIABLES_KEY = Symbol.for('lc:context_variables');
const TRACING_VARS = ['LANGSMITH_TRACING_V2', 'LANGCHAIN_TRACING_V2', 'LANGSMITH_TRACING', 'LANGCHAIN_TRACING'];
const patched = Symbol.for('chat.light-run-context');

type RunWithConfig = (config: Record<string, unknown> | undefined, callback: () => unknown, avoidCreatingRootRunTree?: boolean) => unknown;
interface Storage {
  getStore(): Record<PropertyKey, unknown> | undefined;
  run(store: unknown, callback: () => unknown): unknown;
}
interface Provider {
  runWithConfig: RunWithConfig;
  getInstance(): Storage;
  [patched]?: true;
}

/** True when any of LangChain's switches turns LangSmith tracing on (then the patch stays out). */
export function langSmithTracingOn(env: NodeJS.ProcessEnv = process.env): boolean {
  return TRACING_VARS.some((k) => env[k] === 'true');
}

/** A LangSmith tracer among the call's callbacks (a list of handlers or a callback manager). */
function carriesTracer(callbacks: unknown): boolean {
  if (!callbacks) return false;
  const handlers = Array.isArray(callbacks) ? callbacks : (callbacks as { handlers?: unknown[] }).handlers;
  return !!handlers?.some((h) => (h as { name?: string } | null)?.name === 'langchain_tracer');
}

/** Install on LangChain's singleton (or another provider, for tests); returns false when tracing is on. */
export function installLightRunContext(provider: Provider = AsyncLocalStorageProviderSingleton as unknown as Provider, env = process.env): boolean {
  if (langSmithTracingOn(env)) return false;
  if (provider[patched]) return true;
  const original = provider.runWithConfig.bind(provider);
  provider.runWithConfig = function runWithConfig(config, callback, avoidCreatingRootRunTree) {
    if (carriesTracer(config?.callbacks)) return original(config, callback, avoidCreatingRootRunTree);
    const storage = provider.getInstance();
    const previous = storage.getStore();
    const store: Record<PropertyKey, unknown> | undefined = avoidCreatingRootRunTree ? undefined : { extra: { [LC_CHILD_KEY]: config } };
    const vars = previous?.[CONTEXT_VARIABLES_KEY];
    if (vars !== undefined) return storage.run({ ...store, [CONTEXT_VARIABLES_KEY]: vars }, callback);
    return storage.run(store, callback);
  };
  provider[patched] = true;
  return true;
}
