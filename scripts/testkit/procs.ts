/**
 * Run the real services as child processes for tests: each on a free port, ready when its
 * /healthz answers, killed when the test ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from './net.js';
import { track } from './cleanup.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServiceProcess {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the process printed, for assertions on logs. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface ServiceOptions {
  env?: Record<string, string | undefined>;
  port?: number;
  /** Print the child's output as it comes (debugging). */
  echo?: boolean;
}

// A loaded 2-core machine (a parallel suite, browsers) can take tens of seconds to start a TypeScript service.
async function healthy(url: string): Promise<boolean> {
  try {
    const r = await fetch(`${url}/healthz`);
    return r.ok;
  } catch {
    return false;
  }
}

export async function startService(name: 'engine' | 'gateway', opts: ServiceOptions = {}): Promise<ServiceProcess> {
  const port = opts.port ?? (await freePort());
  const child = track(spawn(process.execPath, ['--import', 'tsx', `${name}/src/server.ts`], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }));
  let out = '';
  const onData = (d: Buffer) => {
    out += d.toString();
    if (out.length > 1_000_000) out = out.slice(-500_000);
    if (opts.echo) process.stderr.write(d);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once('exit', () => { exited = true; });
  try {
    await waitFor(async () => {
      if (exited) throw new Error(`${name} exited during start:\n${out}`);
      return healthy(url);
    }, 60_000, `${name} /healthz`);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    url,
    port,
    process: child,
    output: () => out,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill(signal);
      await done;
    },
  };
}
