/**
 * CPU and RSS of a process from /proc (Linux), no dependencies: utime+stime from /proc/<pid>/stat
 * (clock ticks, 100 per second on Linux) and VmRSS from /proc/<pid>/status.
 */
import { readFileSync } from 'node:fs';

const TICK_MS = 10;

export interface ProcSample {
  cpuMs: number;
  rssKb: number;
}

export function sampleProc(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parentheses: fields are counted after the last ')'.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMs = (Number(f[11]) + Number(f[12])) * TICK_MS; // utime, stime (fields 14, 15)
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return { cpuMs, rssKb };
}

/** CPU used and peak RSS per named process across the slices a meter is running for. */
export class ProcMeter {
  readonly cpuMs: Record<string, number> = {};
  readonly peakRssKb: Record<string, number> = {};
  private start: Record<string, ProcSample> = {};
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pids: Record<string, number>) {}

  begin(): void {
    this.start = {};
    for (const [name, pid] of Object.entries(this.pids)) this.start[name] = sampleProc(pid);
    this.timer = setInterval(() => this.peek(), 250);
    this.timer.unref();
  }

  private peek(): void {
    for (const [name, pid] of Object.entries(this.pids)) {
      try {
        const s = sampleProc(pid);
        this.peakRssKb[name] = Math.max(this.peakRssKb[name] ?? 0, s.rssKb);
      } catch {
        /* exited */
      }
    }
  }

  end(): void {
    clearInterval(this.timer);
    this.peek();
    for (const [name, pid] of Object.entries(this.pids)) {
      const s = sampleProc(pid);
      this.cpuMs[name] = (this.cpuMs[name] ?? 0) + s.cpuMs - (this.start[name]?.cpuMs ?? s.cpuMs);
    }
  }
}
