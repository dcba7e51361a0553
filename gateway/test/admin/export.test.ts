/**
 * The leads export: CSV (RFC 4180, formula injection neutralised) and NDJSON, as a stream that
 * reads its source only when it is read; and 100,000 submissions exported from a real Redis
 * through the store without the process's memory growing with the count.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { createClient } from 'redis';
import { scriptsOption } from '@chat/shared/server';
import type { Submission } from '@chat/shared';
import { startRedis } from '../../../scripts/testkit/index.js';
import { nodeFlags } from '../../../scripts/testkit/procs.js';
import { track } from '../../../scripts/testkit/cleanup.js';
import { csvCell, exportSubmissions } from '../../src/admin/export.js';
import { redisSubmissions, SUBMISSION_SCRIPTS, submissionIndexKey, submissionKey, submissionSessionKey } from '../../src/admin/submissions.js';

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const x of items) yield x;
}

/** An RFC 4180 reader (CRLF records, quoted fields with doubled quotes), strict enough to catch a bad writer. */
function parseCsv(s: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (s[i] === '"') {
      i++;
      for (;;) {
        const q = s.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quote');
        field += s.slice(i, q);
        i = q + 1;
        if (s[i] === '"') {
          field += '"';
          i++;
        } else break;
      }
    } else {
      const m = /[,\r\n"]/.exec(s.slice(i));
      const end = m ? i + m.index : s.length;
      if (s[end] === '"' || s[end] === '\n') throw new Error(`bare ${JSON.stringify(s[end])} in an unquoted field at ${end}`);
      field = s.slice(i, end);
      i = end;
    }
    row.push(field);
    if (s[i] === ',') {
      i++;
      continue;
    }
    if (s.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
      if (i === s.length) return rows;
      continue;
    }
    throw new Error(`expected , or CRLF at ${i}, got ${JSON.stringify(s.slice(i, i + 10))}`);
  }
}

const base: Submission = {
  id: 'sub_AAAAAAAAAAAAAAAAAAAAAA',
  sessionId: 'sess-0000000000000001',
  tenantId: 'acme',
  siteId: 'web',
  templateId: 'lead',
  templateVersion: 3,
  status: 'complete',
  data: { name: 'Ann Lee', email: 'ann@example.com' },
  context: { url: 'https://acme.example/pricing?utm_source=x', referrer: 'https://search.example', language: 'en-GB', attributes: { plan: 'pro', seats: 5 } },
  createdAt: '2025-01-02T03:04:05.006Z',
  completedAt: '2025-01-02T03:09:00.000Z',
  updatedAt: '2025-01-02T03:09:00.000Z',
};

const CHILD = fileURLToPath(new URL('./export-rss.child.ts', import.meta.url));
const FIELDS = ['name', 'email', 'phone', 'budget', 'notes'];
const META = ['id', 'sessionId', 'status', 'siteId', 'templateId', 'templateVersion', 'createdAt', 'completedAt', 'updatedAt'];
const CTX = ['context.url', 'context.referrer', 'context.language', 'context.attributes'];

t.test('CSV: header, template fields in order, metadata, visitor context; CRLF', async (t) => {
  const second: Submission = {
    ...base,
    id: 'sub_BBBBBBBBBBBBBBBBBBBBBB',
    status: 'abandoned',
    data: { budget: 150, name: 'Bo', extra: 'not a template field', notes: ['a', 'b'] },
    context: {},
  };
  delete second.completedAt;
  const out = await text(exportSubmissions(from([base, second]), 'csv', FIELDS));
  t.ok(out.endsWith('\r\n'), 'ends with CRLF');
  t.notOk(/[^\r]\n/.test(out), 'every line ends with CRLF');
  const rows = parseCsv(out);
  t.same(rows[0], [...FIELDS, ...META, ...CTX], 'header: fields, metadata, context');
  t.same(rows[1], [
    'Ann Lee',
    'ann@example.com',
    '',
    '',
    '',
    base.id,
    base.sessionId,
    'complete',
    'web',
    'lead',
    '3',
    base.createdAt,
    base.completedAt,
    base.updatedAt,
    'https://acme.example/pricing?utm_source=x',
    'https://search.example',
    'en-GB',
    '{"plan":"pro","seats":5}',
  ]);
  t.same(
    rows[2],
    ['Bo', '', '', '150', '["a","b"]', second.id, second.sessionId, 'abandoned', 'web', 'lead', '3', base.createdAt, '', base.updatedAt, '', '', '', ''],
    'absent values empty, data keys outside the template left out, arrays as JSON',
  );
  t.equal(rows.length, 3);
  t.notOk(out.includes('not a template field'));
  t.equal(await text(exportSubmissions(from([]), 'csv', FIELDS)), `${[...FIELDS, ...META, ...CTX].join(',')}\r\n`, 'no rows: the header alone');
});

t.test('CSV: formula injection neutralised, quoting where needed', async (t) => {
  const evil: Submission = {
    ...base,
    data: {
      name: '=HYPERLINK("http://x","y")',
      email: '+1 415 555 0100',
      phone: '-5',
      budget: -5,
      notes: 'a, "quoted"\nsecond line',
      company: '@SUM(1+1)',
      tab: '\tcmd',
      cr: '\rcmd',
      safe: 'Ann = Bo',
    },
    context: { url: '=cmd|" /C calc"!A0', language: 'en' },
  };
  const fields = ['name', 'email', 'phone', 'budget', 'notes', 'company', 'tab', 'cr', 'safe'];
  const out = await text(exportSubmissions(from([evil]), 'csv', fields));
  t.ok(out.includes(`"'=HYPERLINK(""http://x"",""y"")"`), 'HYPERLINK: leading quote, then quoted with doubled quotes');
  const [header, row] = parseCsv(out);
  const cell = (name: string) => row![header!.indexOf(name)];
  t.equal(cell('name'), `'=HYPERLINK("http://x","y")`, 'reads back as text');
  t.equal(cell('email'), "'+1 415 555 0100", 'a leading + is neutralised');
  t.equal(cell('phone'), "'-5", 'a string "-5" is text: neutralised');
  t.equal(cell('budget'), '-5', 'a JSON number stays a number, negative or not');
  t.equal(cell('notes'), 'a, "quoted"\nsecond line', 'comma, quote and newline survive quoting');
  t.equal(cell('company'), "'@SUM(1+1)");
  t.equal(cell('tab'), "'\tcmd");
  t.equal(cell('cr'), "'\rcmd");
  t.equal(cell('safe'), 'Ann = Bo', 'an = inside is harmless');
  t.equal(cell('context.url'), `'=cmd|" /C calc"!A0`, 'context cells too');
  t.equal(csvCell('-'), "'-");
  t.equal(csvCell(0), '0');
  t.equal(csvCell(true), 'true');
  t.equal(csvCell(null), '');
  t.equal(csvCell({ a: '=1' }), '"{""a"":""=1""}"', 'objects as JSON, quoted');
  const headerOut = await text(exportSubmissions(from([]), 'csv', ['=evil', 'ok,field']));
  t.match(headerOut, /^'=evil,"ok,field",id,/, 'header cells are cells too');
});

t.test('NDJSON: one submission per line, parsing back', async (t) => {
  const items = Array.from({ length: 50 }, (_, i) => ({ ...base, id: `sub_${String(i).padStart(22, '0')}`, data: { n: i, note: 'line\nbreak "q" \u2028' } }));
  const out = await text(exportSubmissions(from(items), 'ndjson', FIELDS));
  const lines = out.split('\n');
  t.equal(lines.pop(), '', 'ends with a newline');
  t.equal(lines.length, 50, 'one line each');
  t.same(
    lines.map((l) => JSON.parse(l)),
    items,
  );
});

t.test('the stream pulls the source only when read, and stops it when destroyed', async (t) => {
  let pulled = 0;
  let finished = false;
  async function* source(): AsyncGenerator<Submission> {
    try {
      for (let i = 0; ; i++) {
        pulled++;
        yield { ...base, id: `sub_${String(i).padStart(22, '0')}` };
      }
    } finally {
      finished = true;
    }
  }
  const stream = exportSubmissions(source(), 'ndjson', []);
  await new Promise((r) => setTimeout(r, 30));
  t.equal(pulled, 0, 'nothing read before the stream is');

  // A reader that takes one chunk and stalls: the stream fills its buffer and stops pulling.
  let got = 0;
  const stalled = new Writable({
    highWaterMark: 1,
    write: (_c, _e, cb) => {
      got++;
      if (got === 1) cb();
    },
  });
  stream.pipe(stalled);
  await new Promise((r) => setTimeout(r, 200));
  const lineBytes = JSON.stringify(base).length + 1;
  t.ok(pulled * lineBytes < 256 * 1024, `pulled ${pulled} (~${Math.round((pulled * lineBytes) / 1024)} KB) for a stalled reader`);
  const at = pulled;
  await new Promise((r) => setTimeout(r, 100));
  t.equal(pulled, at, 'and no more while it stalls');
  stream.unpipe(stalled);
  stream.destroy();
  await new Promise((r) => setTimeout(r, 20));
  t.ok(finished, 'destroying the stream ends the source (its finally ran)');
  t.throws(() => exportSubmissions(source(), 'xml' as never, []), TypeError);
});

t.test('100,000 submissions from Redis stream out without memory growing with the count', async (t) => {
  const redis = await startRedis();
  const client = createClient({ url: redis.url, scripts: scriptsOption(SUBMISSION_SCRIPTS) });
  await client.connect();
  t.teardown(async () => {
    await client.close();
    await redis.stop();
  });
  const N = 100_000;
  const tenantId = 'big';
  const store = redisSubmissions(client, { retainDays: 30 });

  // Seed through the store's own layout with a Lua loop, 10,000 per call: a realistic document
  // (~700 bytes) with its id, session and createdAt substituted.
  const marker = { id: '@@ID@@', sid: '@@SID@@', at: '@@AT@@' };
  const doc: Submission = {
    ...base,
    tenantId,
    id: marker.id,
    sessionId: marker.sid,
    createdAt: marker.at,
    completedAt: marker.at,
    updatedAt: marker.at,
    data: {
      name: 'Carla Diaz',
      email: 'carla.diaz@example.com',
      phone: '+1 415 555 0100',
      budget: 150,
      company: 'Diaz Roofing & Solar, LLC',
      notes: 'Wants a quote for a 6 kW system; south-facing roof, "no shade".',
      timeline: 'next Monday',
      contactPreference: 'email',
    },
  };
  const parts = JSON.stringify(doc).split(/(@@[A-Z]+@@)/);
  const SEED = `
local n0, n, base, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local prefix, sessPrefix, index = ARGV[5], ARGV[6], ARGV[7]
local nparts = tonumber(ARGV[8])
local parts = {}
for k = 1, nparts do parts[k] = ARGV[8 + k] end
local isos = 8 + nparts
for i = n0, n0 + n - 1 do
  local id = string.format('sub_%022d', i)
  local sid = string.format('seed%018d', i)
  local at = ARGV[isos + i - n0 + 1]
  local out = {}
  for k = 1, nparts do
    local p = parts[k]
    if p == '@@ID@@' then out[k] = id elseif p == '@@SID@@' then out[k] = sid elseif p == '@@AT@@' then out[k] = at else out[k] = p end
  end
  redis.call('SET', prefix .. id, table.concat(out), 'PX', ttl)
  redis.call('SET', sessPrefix .. sid, id, 'PX', ttl)
  redis.call('ZADD', index, base + i, id)
end
return n`;
  const base0 = Date.now() - N - 60_000;
  const started = Date.now();
  for (let n0 = 1; n0 <= N; n0 += 10_000) {
    const isos = Array.from({ length: 10_000 }, (_, k) => new Date(base0 + n0 + k).toISOString());
    await client.eval(SEED, {
      keys: [],
      arguments: [
        String(n0),
        '10000',
        String(base0),
        String(86_400_000),
        submissionKey(tenantId, ''),
        submissionSessionKey(tenantId, ''),
        submissionIndexKey(tenantId),
        String(parts.length),
        ...parts,
        ...isos,
      ],
    });
  }
  t.equal(await client.zCard(submissionIndexKey(tenantId)), N, `seeded ${N} in ${Date.now() - started} ms`);
  const sample = await store.get(tenantId, `sub_${String(N).padStart(22, '0')}`);
  t.equal(sample?.sessionId, `seed${String(N).padStart(18, '0')}`, 'the seeded documents read back through the store');
  t.equal((await store.list(tenantId, { limit: 1 })).items[0]?.id, sample?.id, 'the newest is the last seeded');

  // Measured in a process of its own (see export-rss.child.ts): the runner's async hooks here
  // keep a record per promise and would measure themselves.
  for (const format of ['csv', 'ndjson'] as const) {
    const child = track(
      // With the gateway's own node flags (its young generation), as the export runs in production.
      spawn(process.execPath, [...nodeFlags('gateway'), '--conditions=chat-source', '--import', 'tsx', CHILD, redis.url, tenantId, format, FIELDS.join(',')], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    t.equal(code, 0, `${format}: the export process ran${err ? `: ${err.slice(0, 2000)}` : ''}`);
    const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
      before: number;
      peak: number;
      lines: number;
      bytes: number;
      ms: number;
      head: string;
      tail: string;
    };
    const grewMb = (r.peak - r.before) / 1024 / 1024;
    t.equal(r.lines, format === 'csv' ? N + 1 : N, `${format}: every submission (${(r.bytes / 1024 / 1024).toFixed(0)} MB in ${r.ms} ms)`);
    if (format === 'ndjson') t.equal((JSON.parse(r.head.slice(0, r.head.indexOf('\n'))) as Submission).id, sample?.id, 'newest first');
    else t.match(r.tail, new RegExp(`,sub_${'0'.repeat(21)}1,seed0+1,complete,web,lead,3,\\S+\r\n$`), 'the oldest last');
    t.ok(grewMb < 50, `${format}: RSS grew ${grewMb.toFixed(1)} MB while streaming (bound 50 MB; before ${(r.before / 1024 / 1024).toFixed(0)} MB)`);
  }
});
