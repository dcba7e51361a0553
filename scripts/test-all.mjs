#!/usr/bin/env node
// `npm test`: typecheck every workspace (tap's loader does not), build (`npm run build`: shared, engine
// and gateway compiled to dist/, which `npm start` runs; the widget and console bundles), run every
// workspace's tap tests (on the TypeScript sources), and end with one line CI can read: `N passed, N failed`.
import { spawn } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;

function run(cmd, args, { capture = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'], env: { ...process.env, FORCE_COLOR: '0' } });
    let out = '';
    if (capture)
      child.stdout.on('data', (d) => {
        out += d;
        process.stdout.write(d);
      });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

console.log(`npm test on Node ${process.version}`);

let passed = 0;
let failed = 0;
let skipped = 0;
const extra = process.argv.slice(2);

const tc = await run('npm', ['run', '--silent', 'typecheck']);
if (tc.code === 0) passed++;
else {
  failed++;
  console.error('typecheck failed');
}

// Habits (issue #13): lint, formatting and declared dependencies, each one pass/fail line like typecheck.
for (const [script, what] of [
  ['lint', 'lint (npm run lint)'],
  ['format:check', 'formatting (npm run format)'],
  ['deps:check', 'dependency check (npm run deps:check)'],
]) {
  const r = await run('npm', ['run', '--silent', script, ...(script === 'lint' ? ['--', '--quiet'] : [])]); // warnings: `npm run lint`
  if (r.code === 0) passed++;
  else {
    failed++;
    console.error(`${what} failed`);
  }
}

const b = await run('npm', ['run', '--silent', 'build']);
if (b.code === 0) passed++;
else {
  failed++;
  console.error('build failed');
}

const main = await run('npx', ['tap', '-R', 'tap', ...extra], { capture: true });
// The quick benchmark and the load tool's smoke run alone afterwards: they start many processes and would only slow the
// parallel suite (it checks that the bench keeps working; it never judges speed).
const bench = extra.length
  ? { code: 0, out: '' }
  : await run('npx', ['tap', '-R', 'tap', '--disable-coverage', '-t', '300', 'bench/quick.test.ts', 'bench/load-tool.test.ts'], { capture: true });
const tap = { code: main.code || bench.code, out: `${main.out}\n${bench.out}` };
// Count the tests inside each file (4-space indent); a file that failed with no failing test
// inside (crash, timeout, coverage) counts as one failure.
const lines = tap.out.split('\n');
let fileFailures = 0;
let innerFailuresSinceFile = 0;
for (const line of lines) {
  const inner = /^ {4}(not )?ok \d+/.exec(line);
  if (inner) {
    if (/# SKIP/i.test(line)) skipped++;
    else if (inner[1]) {
      failed++;
      innerFailuresSinceFile++;
    } else passed++;
    continue;
  }
  const top = /^(not )?ok \d+/.exec(line);
  if (top) {
    if (top[1] && innerFailuresSinceFile === 0) {
      failed++;
      fileFailures++;
    }
    innerFailuresSinceFile = 0;
  }
}
if (tap.code !== 0 && failed === 0) {
  // tap exits non-zero for reasons outside any test (coverage thresholds among them): say so.
  failed++;
  console.error('tap exited non-zero outside any test (coverage under the thresholds in package.json "tap"?)');
}
if (fileFailures) console.error(`${fileFailures} test file(s) failed outside a test (crash or timeout)`);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
