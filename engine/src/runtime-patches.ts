/**
 * The engine's process-wide patches, in one place: each was measured on Node 24 with compiled code
 * (bench/micro/graph-modes.ts, docs/scaling.md "Runtime patches") and is kept only while it saves
 * at least 10% of a turn's CPU. server.ts installs them before building the app and logs which are
 * active (`runtime patches active`); nothing else in the engine patches globals.
 */
import { installRandomPool } from './random-pool.js';
import { snapshotEnv } from './env-snapshot.js';

export interface RuntimePatch {
  name: string;
  /** What it saves, as measured (docs/scaling.md). */
  why: string;
  install(): void;
}

/** Every candidate with its measurement; `kept` are installed. */
export const RUNTIME_PATCHES: readonly (RuntimePatch & { kept: boolean })[] = [
  { name: 'env-snapshot', why: 'process.env as a plain object: LangChain reads it on every runnable call', install: snapshotEnv, kept: true },
  { name: 'random-pool', why: 'pooled getRandomValues for the UUIDs LangChain draws per runnable call', install: () => installRandomPool(), kept: true },
];

/** Install the kept patches (once each); returns their names for the start-up log line. */
export function installRuntimePatches(): string[] {
  const active = RUNTIME_PATCHES.filter((p) => p.kept);
  for (const p of active) p.install();
  return active.map((p) => p.name);
}
