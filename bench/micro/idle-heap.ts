/**
 * `node --conditions=chat-source --import tsx bench/micro/idle-heap.ts [streams]` (BENCH_RUNTIME and
 * BENCH_NODE as for the bench): what one idle stream keeps alive in the gateway's heap. A gateway in
 * front of the bench's aux engine in `stall` mode (every turn an open stream of heartbeats) takes
 * heap snapshots (`--heapsnapshot-signal`, each after a full GC) before and with N idle streams
 * open; the difference of the two, by constructor, divided by N, is printed, largest first.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { startRedis, waitFor } from '../../scripts/testkit/index.js';
import { startAuxEngine } from '../lib/aux-engine.js';
import { NO_LIMITS_ENV, SITE_ORIGIN, removeDir, startEngine, startGateway, visitorToken, writeBenchTenants } from '../lib/stack.js';
import { gatewaySession, runLoad } from '../lib/journey.js';
import { closePools } from '../lib/turn-client.js';
import { undici } from '../lib/undici.js';

const n = Number(process.argv[2] ?? 1000);
const dir = mkdtempSync(join(tmpdir(), 'idle-heap-'));

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; location_fields?: string[] } };
  nodes: number[];
  strings: string[];
  locations?: number[];
}

/** Self size by "type:name" over every node of a snapshot file. */
function bySelfSize(file: string): Map<string, { bytes: number; count: number }> {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const f = s.snapshot.meta.node_fields;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((k) => f.indexOf(k)) as [number, number, number];
  const types = s.snapshot.meta.node_types[0];
  const out = new Map<string, { bytes: number; count: number }>();
  // Closures by where they were defined (script id:line:column), when the snapshot says.
  const where = new Map<number, string>();
  const lf = s.snapshot.meta.location_fields ?? [];
  if (process.env.LOCATIONS && s.locations && lf.length)
    for (let i = 0; i < s.locations.length; i += lf.length)
      where.set(s.locations[i]!, `@${s.locations[i + 1]}:${s.locations[i + 2]! + 1}:${s.locations[i + 3]}`);
  for (let i = 0; i < s.nodes.length; i += f.length) {
    const type = types[s.nodes[i + typeAt]!]!;
    let name = s.strings[s.nodes[i + nameAt]!]!;
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = '(strings)';
    else if (type === 'code') name = '(code)';
    else if (name.length > 60) name = `${name.slice(0, 57)}...`;
    const key = `${type}:${name}${type === 'closure' ? (where.get(i) ?? '') : ''}`;
    const e = out.get(key) ?? { bytes: 0, count: 0 };
    e.bytes += s.nodes[i + sizeAt]!;
    e.count++;
    out.set(key, e);
  }
  return out;
}

/** Signal the gateway for a snapshot and wait until the new file is complete. */
async function snapshot(pid: number): Promise<string> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  let file = '';
  await waitFor(
    () => {
      file = readdirSync(dir).find((x) => x.endsWith('.heapsnapshot') && !before.has(x)) ?? '';
      return file !== '';
    },
    60_000,
    'heap snapshot',
  );
  // Written in pieces: complete when the size stops changing and the JSON closes.
  let size = -1;
  const tail = (path: string, bytes: number) => {
    const fd = openSync(path, 'r');
    const buf = Buffer.alloc(bytes);
    readSync(fd, buf, 0, bytes, Math.max(0, statSync(path).size - bytes));
    closeSync(fd);
    return buf.toString();
  };
  await waitFor(
    async () => {
      await new Promise((r) => setTimeout(r, 300));
      const now = statSync(join(dir, file)).size;
      const done = now === size && now > 0 && tail(join(dir, file), 16).trimEnd().endsWith('}');
      size = now;
      return done;
    },
    120_000,
    'heap snapshot written',
  );
  return join(dir, file);
}

const tenants = writeBenchTenants();
const redis = await startRedis();
const engine = await startEngine({ redisUrl: redis.url, tokenDelayMs: 0 });
const aux = await startAuxEngine(engine.url, 5000);
const gateway = await startGateway({
  redisUrl: redis.url,
  engineUrl: aux.url,
  tenantsFile: tenants.file,
  heartbeatMs: 1000,
  poolConnections: n + 100,
  extraEnv: { ...NO_LIMITS_ENV, MAX_CONCURRENT_TURNS: String(n + 100), NODE_OPTIONS: `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}` },
});
const pool = new undici.Pool(gateway.url, { connections: n + 10, pipelining: 1, bodyTimeout: 0, headersTimeout: 60_000 });
const ac = new AbortController();
setMaxListeners(0, ac.signal);
try {
  const token = await visitorToken(gateway.url);
  await runLoad(12, 6, () => gatewaySession(gateway.url, token), 'warm-up');
  const pid = gateway.process.pid!;
  const a = await snapshot(pid);
  aux.mode = 'stall';
  let open = 0;
  let next = 0;
  const opener = async () => {
    while (next < n) {
      next++;
      const res = await pool.request({
        method: 'POST',
        path: '/v1/chat',
        headers: { authorization: `Bearer ${token}`, origin: SITE_ORIGIN, 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ message: { id: randomUUID(), text: 'hello' } }),
        signal: ac.signal,
      });
      if (res.statusCode !== 200) throw new Error(`idle stream: ${res.statusCode} ${await res.body.text()}`);
      let counted = false;
      res.body.on('data', (c: Buffer) => {
        if (!counted && c.toString().includes('event: session')) {
          counted = true;
          open++;
        }
      });
      res.body.on('error', () => {});
    }
  };
  await Promise.all(Array.from({ length: 50 }, opener));
  await waitFor(() => open === n, 60_000, 'idle streams open');
  await new Promise((r) => setTimeout(r, 3000)); // heartbeats and a lease renewal pass
  const b = await snapshot(pid);
  const [before, after] = [bySelfSize(a), bySelfSize(b)];
  const rows = [...after].map(([k, v]) => ({ k, bytes: (v.bytes - (before.get(k)?.bytes ?? 0)) / n, count: (v.count - (before.get(k)?.count ?? 0)) / n }));
  const total = rows.reduce((s, r) => s + r.bytes, 0);
  console.log(`${n} idle streams: ${(total / 1024).toFixed(2)} KB of live heap per stream (after a full GC)`);
  const only = process.env.FILTER ? new RegExp(process.env.FILTER) : undefined;
  for (const r of rows
    .filter((r) => !only || only.test(r.k))
    .sort((x, y) => y.bytes - x.bytes)
    .slice(0, 30))
    console.log(`${r.bytes.toFixed(0).padStart(7)} B  ${r.count.toFixed(2).padStart(6)} objects  ${r.k}`);
} finally {
  ac.abort();
  await pool.destroy().catch(() => {});
  for (const res of aux.stalled) res.destroy();
  await closePools();
  await gateway.kill('SIGTERM');
  await engine.kill('SIGTERM');
  await aux.close();
  await redis.stop();
  removeDir(tenants.dir);
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}
