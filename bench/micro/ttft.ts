/**
 * `node --import tsx bench/micro/ttft.ts [pairs] [delayMs]`: arm A's concurrency-1 measurement
 * alone, for iterating on the gateway's hot path: `pairs` turns through the gateway, each followed
 * by the same turn straight to the engine, then p50/p99 of TTFT for both and of their difference.
 */
import { engineSession, gatewaySession, assertOk, LEAD_SCRIPT, type Session } from '../lib/journey.js';
import { startSmallStack, visitorToken } from '../lib/stack.js';

const pairs = Number(process.argv[2] ?? 300);
const delayMs = Number(process.argv[3] ?? 20);
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

const stack = await startSmallStack(delayMs);
const { tenants, engine, gateway } = stack;
try {
  const token = await visitorToken(gateway.url);
  const gw: number[] = [];
  const direct: number[] = [];
  let g: Session | undefined;
  let d: Session | undefined;
  for (let i = 0; i < pairs + 30; i++) {
    const k = i % LEAD_SCRIPT.length;
    if (k === 0) {
      g = gatewaySession(gateway.url, token);
      d = engineSession([engine.url], tenants.template);
    }
    const rg = assertOk(await g!.turn(LEAD_SCRIPT[k]!), 'gateway');
    const rd = assertOk(await d!.turn(LEAD_SCRIPT[k]!), 'direct');
    if (i >= 30) {
      gw.push(rg.ttftMs);
      direct.push(rd.ttftMs);
    }
  }
  const added = gw.map((x, i) => x - direct[i]!);
  const f = (xs: number[]) => `p50 ${q(xs, 0.5).toFixed(2)} ms, p99 ${q(xs, 0.99).toFixed(2)} ms`;
  console.log(
    `TTFT gateway ${f(gw)}\nTTFT direct  ${f(direct)}\nadded (pairwise) ${f(added)}\nadded (p50 - p50) ${(q(gw, 0.5) - q(direct, 0.5)).toFixed(2)} ms`,
  );
} finally {
  await stack.stop();
}
