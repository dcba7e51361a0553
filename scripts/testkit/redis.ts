/**
 * Start a private redis-server for a test on a free port, with its own data dir, and stop it
 * when the test ends. No fixed ports, no leftover processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { freePort, waitFor } from './net.js';
import { track } from './cleanup.js';
import { killChild } from './procs.js';

export interface RedisServer {
  url: string;
  port: number;
  dir: string;
  process: ChildProcess;
  /** SIGKILL the server (data on disk stays for a restart). */
  kill(): Promise<void>;
  /** Start it again on the same port and dir (AOF replays). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface RedisOptions {
  appendonly?: boolean;
  appendfsync?: 'always' | 'everysec' | 'no';
  extraArgs?: string[];
  /** The redis-server binary (default: `redis-server` on PATH) and extra environment for it. */
  command?: string;
  env?: Record<string, string>;
}

/** True when a redis-server on 127.0.0.1:`port` answers PING (a raw socket: no client library needed). */
export async function redisPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' }, () => s.write('PING\r\n'));
    s.setTimeout(500, () => {
      s.destroy();
      resolve(false);
    });
    s.on('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    s.on('error', () => resolve(false));
  });
}

/** The arguments every test redis-server starts with: a port on loopback, its own dir, no RDB saves, in the foreground. */
export function redisServerArgs(port: number, dir: string): string[] {
  return ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--loglevel', 'warning'];
}

export async function startRedis(opts: RedisOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'redis-test-'));
  let proc: ChildProcess;
  const launch = async () => {
    const args = [
      ...redisServerArgs(port, dir),
      '--appendonly',
      opts.appendonly ? 'yes' : 'no',
      '--appendfsync',
      opts.appendfsync ?? 'everysec',
      ...(opts.extraArgs ?? []),
    ];
    proc = track(spawn(opts.command ?? 'redis-server', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...opts.env } }));
    await waitFor(() => redisPing(port), 10_000, 'redis-server did not answer PING');
  };
  await launch();
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get process() {
      return proc;
    },
    async kill() {
      await killChild(proc);
    },
    async restart() {
      await launch();
    },
    async stop() {
      await killChild(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
