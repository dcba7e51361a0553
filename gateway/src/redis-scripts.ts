/**
 * Transitional: the event log, the webhook outbox and the admin store still run their scripts by
 * text here. New code defines them with @chat/shared/server's `defineLua`, creates its client with
 * them (`newRedisClient(url, cluster, scripts)`) and calls `runScript` (node-redis's own EVALSHA
 * with EVAL on NOSCRIPT), as the Kv (plugins/redis.ts) and the engine do.
 *
 * Lua scripts by SHA: EVALSHA saves sending the script text on every call (CLAIM/RENEW/END run
 * per turn, INCR_WINDOW per request). A restarted Redis or a new cluster node answers NOSCRIPT
 * once and gets the source with EVAL, which also caches it there.
 */
import { createHash } from 'node:crypto';

export interface ScriptOpts {
  keys: string[];
  arguments: string[];
}

/** The two node-redis commands needed: a single client and a cluster client both fit. */
export interface ScriptClient {
  eval(script: string, opts: ScriptOpts): Promise<unknown>;
  evalSha(sha: string, opts: ScriptOpts): Promise<unknown>;
}

const shas = new Map<string, string>();

export async function evalCached(client: ScriptClient, script: string, opts: ScriptOpts): Promise<unknown> {
  let sha = shas.get(script);
  if (!sha) shas.set(script, (sha = createHash('sha1').update(script).digest('hex')));
  try {
    return await client.evalSha(sha, opts);
  } catch (e) {
    if (e instanceof Error && e.message.includes('NOSCRIPT')) return client.eval(script, opts);
    throw e;
  }
}
