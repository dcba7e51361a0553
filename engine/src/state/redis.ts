/**
 * The few Redis commands the engine uses, as one structural type, so a single client and a
 * cluster client (node-redis) fit the same code. Every multi-key call names keys of one
 * session, which share the `{sessionId}` hash tag and so one cluster slot.
 */
import { createHash } from 'node:crypto';

export interface RedisCommands {
  set(key: string, value: string, opts?: unknown): Promise<unknown>;
  get(key: string): Promise<string | null>;
  eval(script: string, opts: { keys: string[]; arguments: string[] }): Promise<unknown>;
  evalSha(sha: string, opts: { keys: string[]; arguments: string[] }): Promise<unknown>;
  lRange(key: string, start: number, stop: number): Promise<string[]>;
}

export interface LuaScript {
  source: string;
  sha: string;
}

export const lua = (source: string): LuaScript => ({ source, sha: createHash('sha1').update(source).digest('hex') });

/** EVALSHA, loading the script on NOSCRIPT (after a Redis restart or on a new cluster node). */
export async function runScript(r: RedisCommands, s: LuaScript, keys: string[], args: string[]): Promise<unknown> {
  try {
    return await r.evalSha(s.sha, { keys, arguments: args });
  } catch (e) {
    if (e instanceof Error && e.message.includes('NOSCRIPT')) return r.eval(s.source, { keys, arguments: args });
    throw e;
  }
}
