/**
 * Template `pattern`s run on visitor text, so they run on RE2 (re2-wasm): matching time is linear
 * in the input whatever the pattern, and patterns that need backtracking (backreferences,
 * lookaround) are refused instead of run. Node only: the widget's subpaths never import this.
 *
 * re2-wasm has a fixed 16 MB heap that neither grows nor is freed for you: every compiled pattern
 * (and every failed compile) holds native memory until `delete()`d, and a heap that runs out
 * aborts the module for good. So here a pattern is compiled once per process (cached by pattern
 * and flags), a compiled pattern no longer referenced is freed when it is garbage-collected, and
 * an aborted module is replaced by a fresh instance, on which the patterns compile again lazily.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RE2 } from 're2-wasm';

type RE2Class = typeof RE2;
interface Native {
  wrapper?: { delete(): void };
}
interface Runtime {
  RE2: RE2Class;
  generation: number;
}

const require = createRequire(import.meta.url);
// What an aborted wasm module throws (the global is untyped under this project's `lib`).
const WasmRuntimeError = (globalThis as unknown as { WebAssembly: { RuntimeError: abstract new () => Error } }).WebAssembly.RuntimeError;
let runtime: Runtime | undefined;
let generation = 0;

/** Load re2-wasm, or a fresh copy of it (a new wasm instance with an empty heap) after an abort. */
function load(fresh: boolean): Runtime {
  const main = require.resolve('re2-wasm');
  if (fresh) for (const file of [main, join(dirname(main), '../wasm/re2.js')]) delete require.cache[file];
  const mod = require(main) as { RE2: RE2Class };
  runtime = { RE2: mod.RE2, generation: ++generation };
  return runtime;
}

/** Run `fn` on the current module; once more on a fresh one if the wasm module aborted (heap exhausted). */
function guarded<T>(fn: (rt: Runtime) => T): T {
  const rt = runtime ?? load(false);
  try {
    return fn(rt);
  } catch (e) {
    if (!(e instanceof WasmRuntimeError)) throw e;
    // Another call may already have replaced the module.
    return fn(runtime === rt ? load(true) : runtime!);
  }
}

interface Compiled {
  re: RE2 | undefined;
  generation: number;
}

/** Frees a compiled pattern's native memory once nothing can use it any more. */
const natives = new FinalizationRegistry<Compiled>((c) => {
  if (c.re && c.generation === runtime?.generation) (c.re as unknown as Native).wrapper?.delete();
});

/** A pattern compiled with RE2, usable wherever Ajv needs a RegExp (`test`). */
export class LinearRegExp {
  readonly #compiled: Compiled = { re: undefined, generation: 0 };

  constructor(
    readonly source: string,
    readonly flags: string,
  ) {
    guarded((rt) => this.#native(rt));
    natives.register(this, this.#compiled);
  }

  #native(rt: Runtime): RE2 {
    const c = this.#compiled;
    if (!c.re || c.generation !== rt.generation) {
      c.re = undefined;
      // RE2 only has a unicode mode; Ajv passes 'u' unless told otherwise.
      c.re = new rt.RE2(this.source, this.flags.includes('u') ? this.flags : `${this.flags}u`);
      c.generation = rt.generation;
    }
    return c.re;
  }

  test(input: string): boolean {
    return guarded((rt) => this.#native(rt).test(input));
  }

  toString(): string {
    return `/${this.source}/${this.flags}`;
  }
}

const CACHE_MAX = 1000;
/** Compiled patterns and refusals by flags and pattern: a pattern compiles (and costs native memory) once. */
const cache = new Map<string, LinearRegExp | Error>();

function compile(pattern: string, flags: string): LinearRegExp {
  const key = `${flags}/${pattern}`;
  let hit = cache.get(key);
  if (hit === undefined) {
    try {
      hit = new LinearRegExp(pattern, flags);
    } catch (e) {
      hit = e instanceof Error ? e : new SyntaxError(String(e));
    }
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
    cache.set(key, hit);
  }
  if (hit instanceof Error) throw hit;
  return hit;
}

/** Ajv's `code.regExp` option: `new Ajv({code: {regExp: linearRegExp}})` runs every `pattern` on RE2. */
export const linearRegExp: ((pattern: string, flags: string) => LinearRegExp) & { code: string } = Object.assign(compile, {
  // Only read when Ajv generates standalone code.
  code: 'require("@chat/shared/linear-regex").linearRegExp',
});

/**
 * null when the pattern runs on RE2 (in linear time); otherwise why not: not a regular expression
 * at all, or one that needs backtracking (a backreference or lookaround).
 */
export function checkLinearPattern(pattern: string): string | null {
  try {
    new RegExp(pattern, 'u');
  } catch {
    return 'pattern is not a valid regular expression';
  }
  try {
    linearRegExp(pattern, 'u');
    return null;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const at = message.lastIndexOf('/u: ');
    const why = at >= 0 ? message.slice(at + 4) : message;
    return `pattern needs backtracking (a backreference or lookaround), which cannot run in linear time on visitor text (${why})`;
  }
}
