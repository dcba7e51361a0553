/**
 * Run by export.test.ts in a process of its own: export a tenant's submissions from Redis through
 * the store and the stream into a reader that takes each chunk on a later turn (like a socket),
 * and print one JSON line: RSS before and at its peak, and what came out.
 *
 * Its own process because the test runner's async hooks (a record per promise, kept until it is
 * collected) would dominate the measurement: the figure is the export's, not the harness's.
 * Usage: node --import tsx export-rss.child.ts <redisUrl> <tenantId> <csv|ndjson> <field,...>
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createClient } from 'redis';
import { scriptsOption } from '@chat/shared/server';
import { exportSubmissions } from '../../src/admin/export.js';
import { redisSubmissions, SUBMISSION_SCRIPTS } from '../../src/admin/submissions.js';

const [url, tenantId, format, fields] = process.argv.slice(2) as [string, string, 'csv' | 'ndjson', string];
const client = createClient({ url, scripts: scriptsOption(SUBMISSION_SCRIPTS) });
await client.connect();
const store = redisSubmissions(client, { retainDays: 30 });
await new Promise((r) => setTimeout(r, 50));

const before = process.memoryUsage().rss;
let peak = before;
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
const sampler = setInterval(sample, 5);
let lines = 0;
let bytes = 0;
let head = '';
let tail = '';
const started = Date.now();
await pipeline(
  exportSubmissions(store.iterate(tenantId, {}), format, fields.split(',')),
  new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
      if (head.length < 4096) head += chunk.toString('utf8', 0, 4096);
      tail = chunk.toString('utf8', Math.max(0, chunk.length - 4096));
      sample();
      setImmediate(cb);
    },
  }),
);
clearInterval(sampler);
sample();
await client.close();
process.stdout.write(`${JSON.stringify({ before, peak, lines, bytes, ms: Date.now() - started, head, tail })}\n`);
