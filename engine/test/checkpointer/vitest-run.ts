/** Runs one LangGraph conformance spec (vitest) as a child process and reads its summary line. */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const engineDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

/** Counts from vitest's summary line, e.g. "Tests  3 failed | 720 passed | 2 skipped (725)". */
export function parseVitestSummary(output: string): { passed: number; failed: number; skipped: number } | undefined {
  const line = output.split('\n').find((l) => /^\s*Tests\s+\d/.test(l));
  if (!line) return undefined;
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
  return { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}

/** `spec`: a file name under test/checkpointer (vitest filters on it). */
export async function runSpec(spec: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [vitestBin, 'run', '--globals', '--config', 'test/checkpointer/vitest.config.ts', spec], {
    cwd: engineDir,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: '1', ...env },
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, output, summary: parseVitestSummary(output) };
}
