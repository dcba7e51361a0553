/**
 * What every arm gets: the options, the running processes, a Redis connection for INFO, and
 * `slot()`, which charges a slice of work to an arm (wall time, CPU per process, Redis commands).
 */
import { readFileSync } from 'node:fs';
import { ProcMeter } from './proc-stats.js';
import { addStats, commandStats, diffStats, type CommandStats, type Redis } from './redis-stats.js';

export interface BenchOptions {
  quick: boolean;
  rounds: number;
  /** A: turns per side per round at concurrency 1, and per worker at 64. */
  c1Turns: number;
  c64TurnsPerWorker: number;
  streamDelayMs: number;
  /** B: long sessions and their length. */
  longSessions: number;
  longTurns: number;
  /** C and throughput: turns per slice and concurrency. */
  throughputTurns: number;
  throughputConcurrency: number;
  idleStreams: number;
}

export interface Urls {
  redis: string;
  engineStream: string;
  engineFast: string;
  engineMemory: string;
  gatewayStream: string;
  gatewayFast: string;
  gatewayAux: string;
  clusterEngines: string[];
}

export interface ArmAccount {
  wallMs: number;
  /** The whole machine's CPU over the arm's slices (/proc/stat): busy and total jiffies, every core. */
  machineBusy: number;
  machineTotal: number;
  cpuMs: Record<string, number>;
  peakRssKb: Record<string, number>;
  redis: CommandStats;
  turns: number;
}

export class BenchContext {
  readonly accounts: Record<string, ArmAccount> = {};
  constructor(
    readonly opts: BenchOptions,
    readonly urls: Urls,
    readonly pids: Record<string, number>,
    readonly redis: Redis,
    readonly clusterRedis: Redis | undefined,
    readonly template: unknown,
    readonly token: string,
  ) {}

  /** Run `fn` as a slice of `arm`; it returns how many turns it ran. */
  async slot(arm: string, fn: () => Promise<number>): Promise<void> {
    const acc = (this.accounts[arm] ??= { wallMs: 0, machineBusy: 0, machineTotal: 0, cpuMs: {}, peakRssKb: {}, redis: {}, turns: 0 });
    const meter = new ProcMeter(this.pids);
    const before = await commandStats(this.redis);
    meter.begin();
    const m0 = machineJiffies();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const turns = await fn();
    acc.wallMs += performance.now() - t0;
    const m1 = machineJiffies();
    acc.machineBusy += m1.busy - m0.busy;
    acc.machineTotal += m1.total - m0.total;
    const cpu = process.cpuUsage(cpu0);
    meter.end();
    addStats(acc.redis, diffStats(before, await commandStats(this.redis)));
    acc.turns += turns;
    meter.cpuMs.bench = (cpu.user + cpu.system) / 1000;
    for (const [k, v] of Object.entries(meter.cpuMs)) acc.cpuMs[k] = (acc.cpuMs[k] ?? 0) + v;
    for (const [k, v] of Object.entries(meter.peakRssKb)) acc.peakRssKb[k] = Math.max(acc.peakRssKb[k] ?? 0, v);
  }
}

/** The machine's CPU time so far from /proc/stat's first line: busy (all but idle and iowait) and total. */
function machineJiffies(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), total };
}

/** The share of the whole machine's CPU an arm's slices used (0..1), or NaN when unmeasured. */
export const machineCpuShare = (acc: ArmAccount | undefined) => (acc && acc.machineTotal > 0 ? acc.machineBusy / acc.machineTotal : NaN);
