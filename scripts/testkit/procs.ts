/**
 * Run the real services as child processes for tests: each on a free port, ready when its
 * /healthz answers, killed when the test ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
  /**
   * 'tsx' (the default, or SERVICE_RUNTIME=tsx): the TypeScript sources through tsx, @chat/shared from
   * its sources too (the `chat-source` export condition). 'compiled' (or SERVICE_RUNTIME=compiled):
   * `<name>/dist/server.js` with plain node, as in production; `npm run build` first.
   */
  runtime?: ServiceRuntime;
  /** The node binary to run the service with (default: the one running this process). */
  node?: string;
  /** Another checkout of this repository to run the service from (benchmarks comparing two trees). */
  root?: string;
}

export type ServiceRuntime = 'tsx' | 'compiled';

/** SERVICE_RUNTIME (or another variable) from the environment, checked: 'tsx' when unset. */
export function serviceRuntime(value = process.env.SERVICE_RUNTIME, variable = 'SERVICE_RUNTIME'): ServiceRuntime {
  if (!value || value === 'tsx') return 'tsx';
  if (value === 'compiled') return 'compiled';
  throw new Error(`${variable} must be tsx or compiled, got "${value}"`);
}

/** A service's V8/node flags as production runs it: `nodeFlags` in its package.json (none in older trees). */
export function nodeFlags(name: 'engine' | 'gateway', root = ROOT): string[] {
  const pkg = JSON.parse(readFileSync(`${root.replace(/\/?$/, '/')}${name}/package.json`, 'utf8')) as { nodeFlags?: string[] };
  return pkg.nodeFlags ?? [];
}

/** The node arguments that run a service: its node flags, then its compiled entry or its sources through tsx. */
export function serviceArgs(name: 'engine' | 'gateway', runtime: ServiceRuntime, root = ROOT): string[] {
  const flags = nodeFlags(name, root);
  if (runtime === 'tsx') return [...flags, '--conditions=chat-source', '--import', 'tsx', `${name}/src/server.ts`];
  const entry = `${name}/dist/server.js`;
  if (!existsSync(`${root.replace(/\/?$/, '/')}${entry}`)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  return [...flags, entry];
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

/** Signal a child and wait for its exit (at once when it has exited already). */
export async function killChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  await done;
}

export async function startService(name: 'engine' | 'gateway', opts: ServiceOptions = {}): Promise<ServiceProcess> {
  const port = opts.port ?? (await freePort());
  const args = serviceArgs(name, opts.runtime ?? serviceRuntime(), opts.root);
  const child = track(
    spawn(opts.node ?? process.execPath, args, {
      cwd: opts.root ?? ROOT,
      env: { ...process.env, NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
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
  child.once('exit', () => {
    exited = true;
  });
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`${name} exited during start:\n${out}`);
        return healthy(url);
      },
      60_000,
      `${name} /healthz`,
    );
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    url,
    port,
    process: child,
    output: () => out,
    kill: (signal: NodeJS.Signals = 'SIGKILL') => killChild(child, signal),
  };
}
