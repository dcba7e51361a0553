/**
 * Optional Langfuse tracing: with LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY set, every graph run
 * gets Langfuse's LangChain callback handler. The package is not a dependency (it is large and
 * most deployments do not trace): `npm install langfuse-langchain -w engine` to use it. Absent,
 * the engine logs a warning and runs untraced.
 */
import type { BaseCallbackHandler } from '@langchain/core/callbacks/base';

type Log = { info: (o: object, m: string) => void; warn: (o: object, m: string) => void };

export async function tracingCallbacks(env: Record<string, string | undefined>, log: Log): Promise<BaseCallbackHandler[]> {
  const publicKey = env.LANGFUSE_PUBLIC_KEY;
  const secretKey = env.LANGFUSE_SECRET_KEY;
  if (!publicKey || !secretKey) return [];
  const pkg = 'langfuse-langchain'; // a variable, so that neither tsc nor the bundler requires it
  try {
    const mod = (await import(pkg)) as { CallbackHandler: new (o: object) => BaseCallbackHandler };
    log.info({ baseUrl: env.LANGFUSE_BASEURL ?? 'https://cloud.langfuse.com' }, 'Langfuse tracing on');
    return [new mod.CallbackHandler({ publicKey, secretKey, ...(env.LANGFUSE_BASEURL ? { baseUrl: env.LANGFUSE_BASEURL } : {}) })];
  } catch (e) {
    log.warn({ err: (e as Error).message }, `LANGFUSE keys are set but ${pkg} is not installed: tracing off (npm install ${pkg} -w engine)`);
    return [];
  }
}
