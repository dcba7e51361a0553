/**
 * Run scripts/load/chat_locust.py headless against a gateway and read its CSV summary. Locust is
 * installed by .ci/run in its own venv (/opt/locust; LOCUST_BIN overrides the binary).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { track } from '../../scripts/testkit/cleanup.js';
import { sampleProc } from './proc-stats.js';

export const LOCUST_BIN = process.env.LOCUST_BIN || '/opt/locust/bin/locust';
export const LOCUST_SCRIPT = fileURLToPath(new URL('../../scripts/load/chat_locust.py', import.meta.url));

export const locustMissing = () => (existsSync(LOCUST_BIN) ? undefined : `Locust is not installed (${LOCUST_BIN}; .ci/run installs it)`);

export interface LocustRow {
  type: string;
  name: string;
  count: number;
  failures: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface LocustRun {
  code: number | null;
  output: string;
  rows: LocustRow[];
  row(type: string, name: string): LocustRow | undefined;
  /** CPU seconds the locust process used (its own share of the machine). */
  cpuS: number;
  wallS: number;
}

/** Parse Locust's *_stats.csv (header: Type,Name,Request Count,Failure Count,...,Requests/s,...,50%,...). */
export function parseLocustStats(csv: string): LocustRow[] {
  const [head, ...lines] = csv.trim().split('\n');
  const cols = head!.split(',');
  const idx = (c: string) => cols.indexOf(c);
  return lines.filter(Boolean).map((line) => {
    const f = line.split(',');
    const n = (c: string) => Number(f[idx(c)]);
    return {
      type: f[idx('Type')]!,
      name: f[idx('Name')]!,
      count: n('Request Count'),
      failures: n('Failure Count'),
      rps: n('Requests/s'),
      p50: n('50%'),
      p90: n('90%'),
      p99: n('99%'),
      max: n('Max Response Time'),
    };
  });
}

export async function runLocust(o: { host: string; users: number; seconds: number; env?: Record<string, string> }): Promise<LocustRun> {
  const dir = mkdtempSync(join(tmpdir(), 'locust-'));
  try {
    const args = [
      '-f',
      LOCUST_SCRIPT,
      '--headless',
      '-u',
      String(o.users),
      '-r',
      String(o.users),
      '--run-time',
      `${o.seconds}s`,
      '--stop-timeout',
      '30',
      '--host',
      o.host,
      '--csv',
      join(dir, 'chat'),
      '--only-summary',
      '--loglevel',
      'WARNING',
    ];
    const t0 = performance.now();
    const child = track(spawn(LOCUST_BIN, args, { env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] }));
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d));
    child.stderr!.on('data', (d: Buffer) => (output += d));
    let cpuMs = 0;
    const peek = setInterval(() => {
      try {
        cpuMs = sampleProc(child.pid!).cpuMs;
      } catch {
        /* exited */
      }
    }, 200);
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    clearInterval(peek);
    const statsFile = join(dir, 'chat_stats.csv');
    const rows = existsSync(statsFile) ? parseLocustStats(readFileSync(statsFile, 'utf8')) : [];
    return {
      code,
      output,
      rows,
      row: (type, name) => rows.find((r) => r.type === type && r.name === name),
      cpuS: cpuMs / 1000,
      wallS: (performance.now() - t0) / 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
