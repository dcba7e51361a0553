/** Start bench/bare-proxy.mjs in front of `targetUrl` as its own process (a hop, like the gateway). */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { killChild, waitFor, type ServiceProcess } from '../../scripts/testkit/index.js';
import { track } from '../../scripts/testkit/cleanup.js';

const SCRIPT = fileURLToPath(new URL('../bare-proxy.mjs', import.meta.url));

export async function startBareProxy(targetUrl: string, node = process.env.BENCH_NODE || process.execPath): Promise<ServiceProcess> {
  const child = track(spawn(node, [SCRIPT], { env: { ...process.env, TARGET_URL: targetUrl, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  let exited = false;
  child.once('exit', () => (exited = true));
  await waitFor(
    () => {
      if (exited) throw new Error(`bare proxy exited:\n${out}`);
      return /listening \d+/.test(out);
    },
    30_000,
    'bare proxy listening',
  );
  const port = Number(/listening (\d+)/.exec(out)![1]);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    process: child,
    output: () => out,
    kill: (signal: NodeJS.Signals = 'SIGKILL') => killChild(child, signal),
  };
}
