/**
 * What an idle relayed stream relies on now that its per-stream timer and parser are gone:
 * - one shared heartbeat reaches every open stream, and stops (no timer left) once all ended;
 * - an upstream that only sends comments (the engine's `: ping`) builds no parser; the events that
 *   follow, split anywhere across chunks, mixed with comments in one chunk, or after a lone-CR
 *   line end, arrive whole and in order.
 * relay() alone behind a real Fastify server and real sockets; the upstream is an in-process
 * stream so the test decides where the chunk boundaries fall.
 */
import t from 'tap';
import Fastify from 'fastify';
import { Readable } from 'node:stream';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { createSseParser, encodeEvent, type WireEvent } from '@chat/shared';
import { waitFor } from '../../scripts/testkit/index.js';
import { relay } from '../src/relay.js';
import { Heartbeats } from '../src/heartbeats.js';
import { ActiveStreams } from '../src/active-streams.js';

const HEARTBEAT_MS = 40;
const heartbeats = new Heartbeats(HEARTBEAT_MS);
const streams = new ActiveStreams();
const upstreams = new Map<string, Readable>();
const app = Fastify();
app.post<{ Params: { name: string } }>('/relay/:name', async (request, reply) => {
  const upstream = new Readable({ read() {} });
  upstreams.set(request.params.name, upstream);
  await relay({ request, reply, sessionId: 'S'.repeat(22), upstream, abort: () => upstream.destroy(), streams, heartbeats, onTerminal: async () => {} });
  return reply;
});
await app.listen({ port: 0, host: '127.0.0.1' });
t.teardown(() => app.close());
const { port } = app.server.address() as { port: number };

interface Client {
  text: string;
  events: WireEvent[];
  ended: Promise<void>;
  res: IncomingMessage;
}

async function open(name: string): Promise<Client> {
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: `/relay/${name}`, method: 'POST' }, resolve);
    req.on('error', reject);
    req.end();
  });
  const c: Client = { text: '', events: [], res, ended: new Promise((r) => res.once('close', r)) };
  const parser = createSseParser({ onEvent: (ev) => c.events.push(ev) });
  res.setEncoding('utf8');
  res.on('data', (s: string) => {
    c.text += s;
    parser.feed(s);
  });
  await waitFor(() => upstreams.has(name) && c.events.length === 1, 5000, `${name}: session event`);
  return c;
}

const pings = (c: Client) => (c.text.match(/^: ping$/gm) ?? []).length;

t.test('one shared heartbeat reaches every open stream, and goes away with the last one', async (t) => {
  const clients = await Promise.all(Array.from({ length: 20 }, (_, i) => open(`hb${i}`)));
  t.equal(heartbeats.size, 20, 'every open stream is a member');
  const at = clients.map(pings);
  await waitFor(() => clients.every((c, i) => pings(c) >= at[i]! + 2), 5000, 'two more pings on every stream');
  t.pass('every stream got two more pings');
  for (const [i] of clients.entries()) upstreams.get(`hb${i}`)!.push(encodeEvent({ event: 'done', data: { status: 'collecting', reply: '' } }));
  await Promise.all(clients.map((c) => c.ended));
  t.ok(
    clients.every((c) => c.events.at(-1)?.event === 'done'),
    'each stream ended with its done',
  );
  await waitFor(() => heartbeats.size === 0, 5000, 'no member left');
  t.equal(heartbeats.size, 0, 'nothing left to ping');
});

t.test('after engine comments (no parser built for them), the events arrive whole and in order', async (t) => {
  const c = await open('mixed');
  const up = upstreams.get('mixed')!;
  for (let i = 0; i < 3; i++) up.push(': ping\n\n');
  up.push(': ping\n\n: ping\n\n');
  await waitFor(() => pings(c) >= 2, 5000, 'our own pings');
  const token = encodeEvent({ event: 'token', data: { text: 'héllo wörld' } });
  // A comment and the first half of an event in one chunk (cut inside a multi-byte character),
  // then the rest with another event, then a comment, then done.
  const bytes = Buffer.concat([Buffer.from(': ping\n\n'), Buffer.from(token)]);
  const cut = bytes.indexOf(Buffer.from('é')) + 1;
  up.push(bytes.subarray(0, cut));
  up.push(Buffer.concat([bytes.subarray(cut), Buffer.from(encodeEvent({ event: 'token', data: { text: '!' } }))]));
  up.push(': ping\n\n');
  up.push(encodeEvent({ event: 'done', data: { status: 'collecting', reply: 'héllo wörld!' } }));
  await c.ended;
  t.same(
    c.events.map((e) => e.event),
    ['session', 'token', 'token', 'done'],
  );
  t.same(c.events[1]!.data, { text: 'héllo wörld' }, 'the split character survives');
});

t.test('a lone CR after a comment ends the line: the event behind it is not mistaken for a comment', async (t) => {
  const c = await open('cr');
  const up = upstreams.get('cr')!;
  // Split on LF alone, every line of this chunk starts with ':'; SSE also ends lines at a lone CR.
  up.push(': ping\revent: token\rdata: {"text":"after CR"}\r\n\n');
  up.push(encodeEvent({ event: 'done', data: { status: 'collecting', reply: 'after CR' } }));
  await c.ended;
  t.same(
    c.events.map((e) => e.event),
    ['session', 'token', 'done'],
  );
  t.same(c.events[1]!.data, { text: 'after CR' });
});
