/**
 * `node --import tsx bench/micro/phases.ts [turns] [gateway|engine]`: where a c1 turn's time to first
 * token goes, seen from the client: response headers, first event, `data`, first `token`, end.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createSseParser } from '@chat/shared';
import { LEAD_SCRIPT } from '../lib/journey.js';
import { ENGINE_KEY, SITE_ORIGIN, startSmallStack, visitorToken } from '../lib/stack.js';
import { poolFor } from '../lib/turn-client.js';

const turns = Number(process.argv[2] ?? 200);
const via = process.argv[3] ?? 'engine';
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const stack = await startSmallStack(20);
const { tenants, engine, gateway } = stack;
const phases: Record<string, number[]> = { headers: [], firstEvent: [], data: [], token: [], end: [] };
try {
  const token = await visitorToken(gateway.url);
  let sid = '';
  for (let i = 0; i < turns + 20; i++) {
    const k = i % LEAD_SCRIPT.length;
    if (k === 0) sid = randomUUID().replace(/-/g, '');
    const msg = { id: randomUUID(), text: LEAD_SCRIPT[k] };
    const t0 = performance.now();
    const seen: Record<string, number> = {};
    const parser = createSseParser({
      onEvent(ev) {
        const t = performance.now() - t0;
        seen.firstEvent ??= t;
        if (ev.event === 'session') sid = ev.data.sessionId;
        if (ev.event === 'data') seen.data ??= t;
        if (ev.event === 'token') seen.token ??= t;
      },
      onInvalid() {},
    });
    const res =
      via === 'engine'
        ? await poolFor(engine.url).request({
            method: 'POST',
            path: `/v1/sessions/${sid}/turns`,
            headers: { authorization: `Bearer ${ENGINE_KEY}`, 'content-type': 'application/json' },
            body: JSON.stringify({ message: msg, ...(k === 0 ? { template: tenants.template } : {}) }),
          })
        : await poolFor(gateway.url).request({
            method: 'POST',
            path: '/v1/chat',
            headers: { authorization: `Bearer ${token}`, origin: SITE_ORIGIN, 'content-type': 'application/json' },
            body: JSON.stringify({ message: msg, ...(k === 0 ? {} : { sessionId: sid }) }),
          });
    seen.headers = performance.now() - t0;
    const d = new TextDecoder();
    for await (const c of res.body as AsyncIterable<Buffer>) parser.feed(d.decode(c, { stream: true }));
    seen.end = performance.now() - t0;
    if (res.statusCode !== 200) throw new Error(String(res.statusCode));
    if (i >= 20) for (const p of Object.keys(phases)) phases[p]!.push(seen[p]!);
  }
  console.log(
    `via ${via}: ` +
      Object.entries(phases)
        .map(([p, xs]) => `${p} p50 ${q(xs, 0.5).toFixed(2)}`)
        .join(', '),
  );
} finally {
  await stack.stop();
}
