/**
 * The few Redis commands the engine uses, as one structural type, so a single client and a
 * cluster client (node-redis) fit the same code. Every multi-key call names keys of one
 * session, which share the `{sessionId}` hash tag and so one cluster slot. Lua scripts are
 * node-redis scripts registered on the client (`ENGINE_SCRIPTS`, run with `runScript`).
 */
import { DELETE_SESSION, FINISH_TURN, START_TURN } from './transcript.js';
import { EXTEND, PTTL, RELEASE } from './lock.js';
import { SAVER_SCRIPTS } from './redis-saver-scripts.js';

export interface RedisCommands {
  set(key: string, value: string, opts?: unknown): Promise<unknown>;
  get(key: string): Promise<string | null>;
  lRange(key: string, start: number, stop: number): Promise<string[]>;
}

/** Every script the engine runs: its client is created with them. */
export const ENGINE_SCRIPTS = [RELEASE, EXTEND, PTTL, START_TURN, FINISH_TURN, DELETE_SESSION, ...SAVER_SCRIPTS];
