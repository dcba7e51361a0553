/**
 * How both services open Redis and run their Lua scripts. One factory for a single client or a
 * cluster client (`url` is then comma-separated seed nodes), without an offline queue: while Redis
 * is away a command fails at once (a turn gets 503), it never hangs. Scripts are node-redis's own
 * (`defineScript`, registered with `createClient({ scripts })`): the client sends EVALSHA and, on
 * NOSCRIPT (a restarted Redis, a new cluster node), EVAL once, which caches it there.
 */
import { createClient, createCluster, defineScript, type RedisArgument, type RedisScripts } from 'redis';
import type { CommandParser } from 'redis';
import { AppError } from '../errors.js';

export type ScriptArg = RedisArgument;

/** What an owner does with its connection, whatever commands it uses: a single client and a cluster client both fit. */
export interface RedisConnection {
  on(event: 'error', fn: (e: Error) => void): unknown;
  connect(): Promise<unknown>;
  close(): Promise<unknown>;
  readonly isOpen: boolean;
}

/** A Lua script with any number of keys: called as `client[name](keys, args)`. */
export interface LuaScript {
  readonly name: string;
  readonly SCRIPT: string;
  readonly SHA1: string;
  parseCommand(parser: CommandParser, keys: ScriptArg[], args: ScriptArg[]): void;
  transformReply(reply: unknown): unknown;
}

export function defineLua(name: string, source: string): LuaScript {
  const script = defineScript({
    SCRIPT: source,
    parseCommand(parser: CommandParser, keys: ScriptArg[], args: ScriptArg[]) {
      parser.pushKeysLength(keys);
      parser.push(...args);
    },
    transformReply: (reply: unknown) => reply as never,
  });
  return Object.assign(script, { name }) as unknown as LuaScript;
}

/** The `scripts` option of createClient/createCluster for a list of scripts. */
export const scriptsOption = (scripts: readonly LuaScript[]): RedisScripts => Object.fromEntries(scripts.map((s) => [s.name, s])) as unknown as RedisScripts;

/** A client (or a typed view of one, e.g. `withTypeMapping`) created with the scripts it runs. */
export type ScriptRunner = object;

/** Run `script` on a client created by `newRedisClient` with it (node-redis: EVALSHA, EVAL on NOSCRIPT). */
export function runScript(client: ScriptRunner, script: LuaScript, keys: ScriptArg[], args: ScriptArg[]): Promise<unknown> {
  const fn = (client as Record<string, unknown>)[script.name];
  if (typeof fn !== 'function') throw new Error(`the Redis client was created without the script "${script.name}": pass it in newRedisClient's scripts`);
  return (fn as (k: ScriptArg[], a: ScriptArg[]) => Promise<unknown>).call(client, keys, args);
}

export interface RedisClientOptions {
  /** Use the cluster client (REDIS_CLUSTER, or several seed nodes in the URL). */
  cluster?: boolean;
  scripts?: readonly LuaScript[];
}

/** A node-redis client or cluster client, not yet connected, typed as the caller's command subset. */
export function newRedisClient<T>(url: string, o: RedisClientOptions = {}): T {
  const socket = { connectTimeout: 2000, reconnectStrategy: (n: number) => Math.min(50 * 2 ** n, 2000) };
  const scripts = scriptsOption(o.scripts ?? []);
  const cluster = o.cluster ?? url.includes(',');
  return (cluster
    ? createCluster({ rootNodes: url.split(',').map((u) => ({ url: u.trim() })), defaults: { disableOfflineQueue: true, socket }, scripts })
    : createClient({ url, disableOfflineQueue: true, socket, scripts })) as unknown as T;
}

/** Wrap storage failures so the error handler answers 503 state_unavailable, not 500. */
export async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw Object.assign(new AppError('state_unavailable'), { cause: e });
  }
}
