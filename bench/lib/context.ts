/**
 * What every arm gets: the options, the running processes, a Redis connection for INFO, and
 * `slot()`, which charges a slice of work to an arm (wall time, CPU per process, Redis commands).
 */
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
    const acc = (this.accounts[arm] ??= { wallMs: 0, cpuMs: {}, peakRssKb: {}, redis: {}, turns: 0 });
    const meter = new ProcMeter(this.pids);
    const before = await commandStats(this.redis);
    meter.begin();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const turns = await fn();
    acc.wallMs += performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    meter.end();
    addStats(acc.redis, diffStats(before, await commandStats(this.redis)));
    acc.turns += turns;
    meter.cpuMs.bench = (cpu.user + cpu.system) / 1000;
    for (const [k, v] of Object.entries(meter.cpuMs)) acc.cpuMs[k] = (acc.cpuMs[k] ?? 0) + v;
    for (const [k, v] of Object.entries(meter.peakRssKb)) acc.peakRssKb[k] = Math.max(acc.peakRssKb[k] ?? 0, v);
  }
}
