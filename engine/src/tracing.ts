/**
 * Optional Langfuse tracing: with LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY set, every graph run
 * gets the CallbackHandler of Langfuse's maintained LangChain integration (`@langfuse/langchain`),
 * whose spans go through an OpenTelemetry tracer provider of their own (`@langfuse/otel`'s span
 * processor; the global OpenTelemetry provider is left alone). The packages are not dependencies
 * (most deployments do not trace); to trace:
 *
 *   npm install -w engine @langfuse/langchain @langfuse/otel @langfuse/tracing @opentelemetry/api @opentelemetry/sdk-trace-base
 *
 * Absent, the engine logs a warning naming that command and runs untraced. `shutdownTracing()`
 * flushes the spans still buffered (the engine calls it when it closes).
 */
import type { BaseCallbackHandler } from '@langchain/core/callbacks/base';

type Log = { info: (o: object, m: string) => void; warn: (o: object, m: string) => void };

/** What `npm install` needs for tracing: the handler, the span processor and the provider it runs in. */
export const LANGFUSE_PACKAGES = ['@langfuse/langchain', '@langfuse/otel', '@langfuse/tracing', '@opentelemetry/api', '@opentelemetry/sdk-trace-base'] as const;
export const DEFAULT_LANGFUSE_BASE_URL = 'https://cloud.langfuse.com';

interface TracerProvider {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}
interface LangfuseModules {
  langchain: { CallbackHandler: new (o?: object) => BaseCallbackHandler };
  otel: { LangfuseSpanProcessor: new (o: { publicKey: string; secretKey: string; baseUrl: string; environment?: string }) => unknown };
  tracing: { setLangfuseTracerProvider: (p: TracerProvider | null) => void };
  sdk: { BasicTracerProvider: new (o: { spanProcessors: unknown[] }) => TracerProvider };
}

let provider: TracerProvider | undefined;

/** Loaded by name at run time, so that neither tsc nor a bundler requires the packages. */
async function load(names: readonly string[]): Promise<LangfuseModules> {
  const [langchain, otel, tracing, , sdk] = await Promise.all(names.map((n) => import(n) as Promise<unknown>));
  return { langchain, otel, tracing, sdk } as LangfuseModules;
}

export async function tracingCallbacks(env: Record<string, string | undefined>, log: Log): Promise<BaseCallbackHandler[]> {
  const publicKey = env.LANGFUSE_PUBLIC_KEY;
  const secretKey = env.LANGFUSE_SECRET_KEY;
  if (!publicKey || !secretKey) return [];
  // LANGFUSE_BASE_URL is the current SDK's name; LANGFUSE_BASEURL the one this engine read before.
  const baseUrl = env.LANGFUSE_BASE_URL || env.LANGFUSE_BASEURL || DEFAULT_LANGFUSE_BASE_URL;
  let mods: LangfuseModules;
  try {
    mods = await load(LANGFUSE_PACKAGES);
  } catch (e) {
    log.warn(
      { err: (e as Error).message },
      `LANGFUSE keys are set but the Langfuse packages are not installed: tracing off (npm install -w engine ${LANGFUSE_PACKAGES.join(' ')})`,
    );
    return [];
  }
  const processor = new mods.otel.LangfuseSpanProcessor({
    publicKey,
    secretKey,
    baseUrl,
    ...(env.LANGFUSE_TRACING_ENVIRONMENT ? { environment: env.LANGFUSE_TRACING_ENVIRONMENT } : {}),
  });
  await shutdownTracing();
  provider = new mods.sdk.BasicTracerProvider({ spanProcessors: [processor] });
  mods.tracing.setLangfuseTracerProvider(provider);
  log.info({ baseUrl }, 'Langfuse tracing on');
  return [new mods.langchain.CallbackHandler()];
}

/** Export what is buffered and stop the provider (a no-op when tracing is off). */
export async function shutdownTracing(): Promise<void> {
  const p = provider;
  provider = undefined;
  await p?.shutdown().catch(() => undefined); // the processor logs its own export errors
}
