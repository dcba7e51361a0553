/**
 * The engine's process-wide patches, in one place: each was measured on Node 24 with compiled code
 * (bench/micro/graph-modes.ts, docs/scaling.md "Runtime patches") and is kept only while it saves
 * at least 10% of a turn's CPU. server.ts installs them before building the app and logs which are
 * active (`runtime patches active`); nothing else in the engine patches globals.
 *
 * Retired after that measurement (2026-11-29, Node 24): the `process.env` snapshot and the pooled
 * `getRandomValues`. Each saved under 5% of a turn alone and nothing beside the light run context:
 * most of the env reads and random draws they sped up were the untraced RunTrees that it removes.
 */
import { installLightRunContext } from './light-run-context.js';

export interface RuntimePatch {
  name: string;
  /** What it saves, as measured (docs/scaling.md). */
  why: string;
  /** Install it; false when it stays out (its condition does not hold here). */
  install(): boolean;
}

export const RUNTIME_PATCHES: readonly RuntimePatch[] = [
  {
    name: 'light-run-context',
    why: "LangChain's per-call run context without an untraced langsmith RunTree (about a quarter of a turn's CPU); only while LangSmith tracing is off",
    install: () => installLightRunContext(),
  },
];

/** Install the patches whose condition holds (once each); returns their names for the start-up log line. */
export function installRuntimePatches(): string[] {
  return RUNTIME_PATCHES.filter((p) => p.install()).map((p) => p.name);
}
