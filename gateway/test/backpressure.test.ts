/**
 * The relay's backpressure, in isolation: a client that stops reading must stop the gateway from
 * pulling upstream events (bounded buffering), and reading again must resume the flow.
 * The upstream here is an endless in-process event source, not an engine: no engine reply is long
 * enough to fill a socket buffer, and this checks relay() alone. The client is a real socket.
 */
import t from 'tap';
import Fastify from 'fastify';
import { Readable } from 'node:stream';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeEvent } from '@chat/shared';
import { waitFor } from '../../scripts/testkit/index.js';
import { relay } from '../src/relay.js';
import { ActiveStreams } from '../src/active-streams.js';
import { Heartbeats } from '../src/heartbeats.js';

let pulled = 0;
let aborted = false;
const text = 'x'.repeat(1000);
const upstream = new Readable({
  read() {
    pulled++;
    this.push(encodeEvent({ event: 'token', data: { text } }));
  },
  highWaterMark: 16 * 1024,
});

const app = Fastify();
app.post('/relay', async (request, reply) => {
  await relay({
    request,
    reply,
    sessionId: 'S'.repeat(22),
    upstream,
    abort: () => (aborted = true),
    streams: new ActiveStreams(),
    heartbeats: new Heartbeats(60_000),
    onTerminal: async () => {},
  });
  return reply;
});
await app.listen({ port: 0, host: '127.0.0.1' });
t.teardown(() => app.close());
const { port } = app.server.address() as { port: number };

const socket = connect(port, '127.0.0.1');
await new Promise((r) => socket.once('connect', r));
socket.pause(); // a client that does not read
socket.write('POST /relay HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n');

t.test('a client that stops reading pauses the upstream', async (t) => {
  await waitFor(() => upstream.isPaused(), 10_000, 'the relay to pause the upstream');
  const stuckAt = pulled;
  await sleep(300);
  t.equal(pulled, stuckAt, 'no more upstream events pulled while the client does not read');
  // Kernel socket buffers plus one stream buffer: bounded, nowhere near "everything".
  t.ok(stuckAt * text.length < 16 * 1024 * 1024, `pulled ${stuckAt} events (~${Math.round((stuckAt * text.length) / 1024)} KB) before pausing`);
});

t.test('reading again resumes the flow', async (t) => {
  const before = pulled;
  let received = 0;
  socket.on('data', (d: Buffer) => (received += d.length));
  socket.resume();
  await waitFor(() => pulled > before + 100, 10_000, 'the upstream to flow again');
  t.ok(received > 0, 'the client receives events');
});

t.test('the client leaving aborts the upstream', async (t) => {
  socket.destroy();
  await waitFor(() => aborted, 5000, 'abort');
  t.ok(upstream.destroyed, 'upstream destroyed');
});

t.test('an idle stream gets `: ping` comments every heartbeat', async (t) => {
  const idle = new Readable({ read() {} }); // an upstream with nothing to say yet
  const hb = Fastify();
  hb.post('/idle', async (request, reply) => {
    await relay({
      request,
      reply,
      sessionId: 'S'.repeat(22),
      upstream: idle,
      abort: () => idle.destroy(),
      streams: new ActiveStreams(),
      heartbeats: new Heartbeats(50),
      onTerminal: async () => {},
    });
    return reply;
  });
  await hb.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(() => hb.close());
  const res = await fetch(`http://127.0.0.1:${(hb.server.address() as { port: number }).port}/idle`, { method: 'POST' });
  const reader = res.body!.getReader();
  let text = '';
  await waitFor(
    async () => {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
      return (text.match(/: ping\n\n/g) ?? []).length >= 2;
    },
    5000,
    'two pings',
  );
  t.match(text, /^id: 1\nevent: session\n/, 'the session event first');
  await reader.cancel();
});
