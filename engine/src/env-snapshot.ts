/**
 * Replace `process.env` with a plain copy of itself. Node serves every read of the real one with a
 * call into C++ that builds a new string; LangChain and LangSmith read a dozen variables for every
 * runnable call (tracing switches, project names, callback modes), hundreds of reads per turn:
 * 15-20% of the graph's CPU per turn in bench/micro/graph-modes.ts (ENVCOPY=1). A plain object
 * answers at JS speed. Children spawned with the default env get the same variables; what no
 * longer works is changing the C environment at run time (e.g. `process.env.TZ = …`), which the
 * engine never does. Call once, at process start, after nothing else needs the live env.
 */
export function snapshotEnv(): void {
  if (Object.getPrototypeOf(process.env) === Object.prototype) return; // already a plain object
  process.env = { ...process.env };
}
