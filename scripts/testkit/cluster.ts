/**
 * A real Redis Cluster on this machine: N masters (`redis-server --cluster-enabled yes`) on free
 * ports, joined with `redis-cli --cluster create`, no replicas. Used by the bench's cluster arm
 * and by the cluster tests; its nodes die with the test like every other testkit child.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { track } from './cleanup.js';
import { freePort, waitFor } from './net.js';
import { redisPing, redisServerArgs } from './redis.js';
import { killChild } from './procs.js';

const run = promisify(execFile);

export interface RedisCluster {
  ports: number[];
  /** Seed list as the services take it: `redis://127.0.0.1:p1,redis://127.0.0.1:p2,...`. */
  url: string;
  pids: number[];
  stop(): Promise<void>;
}

async function clusterOk(port: number): Promise<boolean> {
  try {
    const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
    return stdout.includes('cluster_state:ok');
  } catch {
    return false;
  }
}

export async function startRedisCluster(nodes = 3): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
  const ports: number[] = [];
  const procs: ChildProcess[] = [];
  for (let i = 0; i < nodes; i++) {
    const port = await freePort();
    ports.push(port);
    procs.push(
      track(
        spawn(
          'redis-server',
          [
            ...redisServerArgs(port, dir),
            '--appendonly',
            'no',
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            `nodes-${port}.conf`,
            '--cluster-node-timeout',
            '5000',
          ],
          { stdio: ['ignore', 'ignore', 'inherit'] },
        ),
      ),
    );
  }
  const stop = async () => {
    await Promise.all(procs.map((p) => killChild(p)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await waitFor(() => redisPing(port), 10_000, `cluster node ${port}`);
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) await waitFor(() => clusterOk(port), 20_000, `cluster_state:ok on ${port}`);
  } catch (e) {
    await stop();
    throw e;
  }
  return { ports, url: ports.map((p) => `redis://127.0.0.1:${p}`).join(','), pids: procs.map((p) => p.pid!), stop };
}
