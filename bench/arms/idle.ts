/**
 * Arm D: idle streams held open by one gateway process. Its engine hop answers every turn with an
 * open stream of heartbeats only, so the gateway holds N client streams and N upstream streams
 * and sends its own `: ping` on each. RSS per stream = (RSS with N open - RSS before) / N.
 * "With N open" is the highest RSS seen over a window that covers heartbeats and two lease
 * renewals of every turn (TURN_LEASE_MS / 3 each at the default 10 s), not one early sample: the
 * figure an operator watching the process would see, including garbage that periodic work
 * leaves behind until a full GC. "Before" is the lowest of a few samples after the warm-up.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { BenchContext } from '../lib/context.js';
import type { AuxEngine } from '../lib/aux-engine.js';
import { sampleProc } from '../lib/proc-stats.js';
import { SITE_ORIGIN } from '../lib/stack.js';
import { undici } from '../lib/undici.js';
import { waitFor } from '../../scripts/testkit/index.js';

/** Two lease renewals at the gateway's default TURN_LEASE_MS (10 s, renewed every third). */
const HOLD_MS = 7000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface IdleResult {
  requested: number;
  count: number;
  /** Streams that received a gateway heartbeat after all were open. */
  heartbeating: number;
  rssBeforeKb: number;
  rssOpenKb: number;
  rssKbPerStream: number;
  /** Where the RSS goes, per stream (the gateway's /metrics before and with N open): V8's used heap, its new space, and memory outside the heap (Buffers). */
  heapUsedKbPerStream?: number;
  newSpaceKbPerStream?: number;
  externalKbPerStream?: number;
  openMs: number;
}

/** The gateway's memory split from its own /metrics (prom-client's default metrics), in KB. */
async function memorySplit(url: string): Promise<{ heapUsed: number; newSpace: number; external: number } | undefined> {
  const res = await fetch(`${url}/metrics`).catch(() => undefined);
  if (!res?.ok) return undefined;
  const text = await res.text();
  const metric = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN) / 1024;
  return {
    heapUsed: metric(/^\w*nodejs_heap_size_used_bytes (\S+)/m),
    newSpace: metric(/^\w*nodejs_heap_space_size_used_bytes\{space="new"\} (\S+)/m),
    external: metric(/^\w*nodejs_external_memory_bytes (\S+)/m),
  };
}

/**
 * `gateway` is a gateway in front of `aux`, started for this arm and warmed with a few turns: a
 * process that served the other arms first would be measured from wherever V8 had shrunk its heap
 * to after them, and the figure would count the heap growing back, not the streams.
 */
export async function idleArm(ctx: BenchContext, aux: AuxEngine, heartbeatMs: number, gateway: { url: string; pid: number }): Promise<IdleResult> {
  const n = ctx.opts.idleStreams;
  const pid = gateway.pid;
  aux.mode = 'stall';
  const pool = new undici.Pool(gateway.url, { connections: n + 10, pipelining: 1, bodyTimeout: 0, headersTimeout: 60_000 });
  const ac = new AbortController();
  setMaxListeners(0, ac.signal); // one signal ends them all
  const pings = new Array<number>(n).fill(0);
  let open = 0;
  let rssBeforeKb = Infinity;
  for (let i = 0; i < 3; i++) {
    rssBeforeKb = Math.min(rssBeforeKb, sampleProc(pid).rssKb);
    await sleep(500);
  }
  const memBefore = await memorySplit(gateway.url);
  const t0 = performance.now();
  let next = 0;
  const opener = async () => {
    while (next < n) {
      const i = next++;
      const res = await pool.request({
        method: 'POST',
        path: '/v1/chat',
        headers: { authorization: `Bearer ${ctx.token}`, origin: SITE_ORIGIN, 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ message: { id: randomUUID(), text: 'hello' } }),
        signal: ac.signal,
      });
      if (res.statusCode !== 200) throw new Error(`idle stream ${i}: ${res.statusCode} ${await res.body.text()}`);
      let counted = false;
      res.body.on('data', (c: Buffer) => {
        const s = c.toString();
        if (!counted && s.includes('event: session')) {
          counted = true;
          open++;
        }
        if (s.includes(': ping')) pings[i]!++;
      });
      res.body.on('error', () => {});
    }
  };
  await ctx.slot('D_idle', async () => {
    await Promise.all(Array.from({ length: 100 }, opener));
    await waitFor(() => open === n, 30_000, 'idle streams open');
    return 0;
  });
  const openMs = performance.now() - t0;
  pings.fill(0);
  // Every stream should hear a ping within the window (at least two heartbeat periods).
  let rssOpenKb = 0;
  const until = performance.now() + Math.max(HOLD_MS, heartbeatMs * 2 + 500);
  while (performance.now() < until) {
    rssOpenKb = Math.max(rssOpenKb, sampleProc(pid).rssKb);
    await sleep(250);
  }
  const heartbeating = pings.filter((p) => p > 0).length;
  const memOpen = await memorySplit(gateway.url);
  const split =
    memBefore && memOpen
      ? {
          heapUsedKbPerStream: (memOpen.heapUsed - memBefore.heapUsed) / open,
          newSpaceKbPerStream: (memOpen.newSpace - memBefore.newSpace) / open,
          externalKbPerStream: (memOpen.external - memBefore.external) / open,
        }
      : {};
  ac.abort();
  await pool.destroy();
  // A client leaving does not end its turn (it goes on into the event log): end the engine side.
  for (const res of aux.stalled) res.destroy();
  await waitFor(() => aux.stalled.size === 0, 30_000, 'gateway released the idle upstreams').catch(() => {});
  aux.mode = 'forward';
  return { requested: n, count: open, heartbeating, rssBeforeKb, rssOpenKb, rssKbPerStream: (rssOpenKb - rssBeforeKb) / open, ...split, openMs };
}
