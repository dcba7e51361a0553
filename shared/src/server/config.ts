/**
 * Environment -> typed config from one table per service. Each entry names its variable, type,
 * default, bounds and a line of documentation; `readSettings` checks them in table order (a later
 * entry's default or bounds may depend on an earlier value) and `settingsMarkdown` renders the
 * same table for docs/configuration.md, so the documentation cannot drift from the code.
 * Checks that join several values (and production refusals) stay in each service's config.ts.
 */
export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  readonly key: string;
  readonly problem: string;
  constructor(key: string, problem: string) {
    super(`config ${key}: ${problem}`);
    this.name = 'ConfigError';
    this.key = key;
    this.problem = problem;
  }
}

/** What an entry's default or bound may be computed from: the values read before it, and the environment. */
export interface ReadContext {
  values: Record<string, unknown>;
  env: Env;
}
type Dyn<T> = T | ((ctx: ReadContext) => T);

export interface Setting<T> {
  env: string;
  type: string;
  doc: string;
  /** Rendered in the docs' default column (a computed default needs it). */
  defaultDoc?: string;
  /** Rendered in the docs' bounds column. */
  boundsDoc?: string;
  /** Turns the raw value (undefined when unset or empty) into the typed one. */
  read(raw: string | undefined, ctx: ReadContext): T;
}

const resolve = <T>(v: Dyn<T>, ctx: ReadContext): T => (typeof v === 'function' ? (v as (c: ReadContext) => T)(ctx) : v);
const fmt = (n: number) => (Number.isSafeInteger(n) && Math.abs(n) >= 10_000 ? n.toLocaleString('en-US').replace(/,/g, '_') : String(n));
const unset = (raw: string | undefined) => raw === undefined || raw.trim() === '';

interface Common {
  env: string;
  doc: string;
  defaultDoc?: string;
}

/** An integer within [min, max]. */
export function int(o: Common & { default: Dyn<number>; min?: Dyn<number>; max?: Dyn<number>; boundsDoc?: string }): Setting<number> {
  const min = o.min ?? 0;
  const max = o.max ?? Number.MAX_SAFE_INTEGER;
  return {
    env: o.env,
    type: 'integer',
    doc: o.doc,
    defaultDoc: o.defaultDoc ?? (typeof o.default === 'number' ? fmt(o.default) : undefined),
    boundsDoc:
      o.boundsDoc ??
      (typeof min === 'number' && typeof max === 'number' ? (max === Number.MAX_SAFE_INTEGER ? `≥ ${fmt(min)}` : `${fmt(min)} – ${fmt(max)}`) : undefined),
    read(raw, ctx) {
      if (unset(raw)) return resolve(o.default, ctx);
      if (!/^-?\d+$/.test(raw!.trim())) throw new ConfigError(o.env, `must be an integer, got "${raw}"`);
      const n = Number(raw);
      const lo = resolve(min, ctx);
      const hi = resolve(max, ctx);
      if (n < lo || n > hi) throw new ConfigError(o.env, `must be between ${lo} and ${hi}, got ${n}`);
      return n;
    },
  };
}

/** true/false, 1/0, yes/no, on/off. */
export function bool(o: Common & { default: boolean }): Setting<boolean> {
  return {
    env: o.env,
    type: 'boolean',
    doc: o.doc,
    defaultDoc: o.defaultDoc ?? String(o.default),
    read(raw) {
      if (unset(raw)) return o.default;
      const v = raw!.trim();
      if (/^(1|true|yes|on)$/i.test(v)) return true;
      if (/^(0|false|no|off)$/i.test(v)) return false;
      throw new ConfigError(o.env, `must be true or false, got "${raw}"`);
    },
  };
}

/** Any text; `default: undefined` makes it optional. */
export function str<D extends string | undefined>(o: Common & { default: Dyn<D>; secret?: boolean; boundsDoc?: string }): Setting<string | D> {
  return {
    env: o.env,
    type: o.secret ? 'secret' : 'string',
    doc: o.doc,
    defaultDoc: o.defaultDoc ?? (typeof o.default === 'string' ? (o.default === '' ? '(empty)' : o.default) : o.default === undefined ? '—' : undefined),
    ...(o.boundsDoc ? { boundsDoc: o.boundsDoc } : {}),
    read: (raw, ctx) => (raw === undefined || raw === '' ? resolve(o.default, ctx) : raw),
  };
}

/** One of a few words. */
export function oneOf<V extends string>(o: Common & { values: readonly V[]; default: Dyn<V> }): Setting<V> {
  return {
    env: o.env,
    type: 'enum',
    doc: o.doc,
    defaultDoc: o.defaultDoc ?? (typeof o.default === 'string' ? o.default : undefined),
    boundsDoc: o.values.join(', '),
    read(raw, ctx) {
      const v = (raw === undefined || raw === '' ? resolve(o.default, ctx) : raw) as V;
      if (!o.values.includes(v)) throw new ConfigError(o.env, `must be ${o.values.slice(0, -1).join(', ')} or ${o.values.at(-1)}, got "${v}"`);
      return v;
    },
  };
}

const URL_SCHEMES = new Set(['http:', 'https:', 'redis:', 'rediss:']);
function checkUrl(key: string, v: string): string {
  try {
    if (!URL_SCHEMES.has(new URL(v).protocol)) throw new Error('scheme');
  } catch {
    throw new ConfigError(key, `must be an http(s) or redis URL, got "${v}"`);
  }
  return v.replace(/\/+$/, '');
}

/** A comma-separated list of http(s) or redis URLs (at least one); `default: undefined` makes it optional. */
export function urls<D extends string[] | undefined>(o: Common & { default: D }): Setting<string[] | D> {
  return {
    env: o.env,
    type: 'URL list',
    doc: o.doc,
    defaultDoc: o.defaultDoc ?? (o.default ? o.default.join(',') : '—'),
    read(raw) {
      if (raw === undefined || raw === '') return o.default;
      const list = raw
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean);
      if (list.length === 0) throw new ConfigError(o.env, 'must name at least one URL');
      return list.map((u) => checkUrl(o.env, u));
    },
  };
}

/** A comma-separated list of positive integers. */
export function intList(o: Common & { default: number[] }): Setting<number[]> {
  return {
    env: o.env,
    type: 'integer list',
    doc: o.doc,
    defaultDoc: o.defaultDoc ?? o.default.join(','),
    boundsDoc: 'each > 0',
    read(raw) {
      const v = (raw ?? '').trim();
      if (v === '') return o.default;
      const list = v.split(',').map((x) => x.trim());
      if (!list.every((x) => /^\d+$/.test(x) && Number(x) > 0)) throw new ConfigError(o.env, `must be comma-separated positive integers, got "${v}"`);
      return list.map(Number);
    },
  };
}

/** A value with its own parser (it throws ConfigError naming the key). */
export function custom<T>(o: Common & { type: string; boundsDoc?: string; read: (raw: string | undefined, ctx: ReadContext) => T }): Setting<T> {
  return {
    env: o.env,
    type: o.type,
    doc: o.doc,
    ...(o.defaultDoc ? { defaultDoc: o.defaultDoc } : {}),
    ...(o.boundsDoc ? { boundsDoc: o.boundsDoc } : {}),
    read: o.read,
  };
}

export type SettingsTable = Record<string, Setting<unknown>>;
export type SettingsOf<S extends SettingsTable> = { -readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/** Read every entry of `table` from `env`, in order; the first bad value throws ConfigError. */
export function readSettings<S extends SettingsTable>(table: S, env: Env): SettingsOf<S> {
  const values: Record<string, unknown> = {};
  const ctx = { values, env };
  for (const [name, s] of Object.entries(table)) values[name] = s.read(env[s.env], ctx);
  return values as SettingsOf<S>;
}

const cell = (s: string | undefined) => (s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The table as Markdown: one row per variable (the generator of docs/configuration.md). */
export function settingsMarkdown(table: SettingsTable): string {
  const rows = Object.values(table).map((s) => `| \`${s.env}\` | ${cell(s.type)} | ${cell(s.defaultDoc)} | ${cell(s.boundsDoc)} | ${cell(s.doc)} |`);
  return ['| variable | type | default | bounds | meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}
