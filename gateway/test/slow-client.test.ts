/**
 * Must show 4, with real processes: a client that reads one byte per second while a long reply
 * streams. The relay pauses the engine instead of buffering for it, so the gateway's resident
 * memory (from /proc/<pid>/status) stays flat over ~20 s while the reply is many times larger
 * than what the client took. The long reply: a template whose completion message repeats a free
 * text answer, answered with a ~300 KB message (≈150k token events, ≈7 MB of SSE: more than the
 * kernel's socket buffers hold, and what the engine turns out within the sampling window).
 * RSS is noisy (V8 grows its heap before collecting), so the claims are: the relay stops pulling
 * once the buffers are full (its count stops moving), and RSS does not climb while the client
 * keeps reading slowly (second half no higher than the first), under a sanity ceiling.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { startRedis, startService } from '../../scripts/testkit/index.js';
import { ENGINE_KEY, fetchToken, startGateway, tenantsFile } from './processes.js';
import { chatTurn, lastEvent } from './sse-client.js';
import { stopTurn } from './stream-client.js';

const SAMPLE_S = 20;
const WORDS = 150_000;

const redis = await startRedis();
t.teardown(() => redis.stop());
const engine = await startService('engine', {
  env: { REDIS_URL: redis.url, ENGINE_KEY, EMBEDDED_TOKEN_DELAY_MS: '0', MAX_MESSAGE_CHARS: '1000000', BODY_LIMIT_BYTES: '4194304' },
});
t.teardown(() => engine.kill());
const tenants = tenantsFile((doc) => {
  const tpl = doc.tenants[0].templates['lead-intake'];
  // A long answer must be allowed explicitly: without maxLength a string value is capped at 1,000 characters.
  tpl.fields = { notes: { type: 'string', description: 'anything we should know', required: true, maxLength: 400_000 } };
  tpl.complete = 'Noted: {notes}';
});
const gw = await startGateway({
  REDIS_URL: redis.url,
  ENGINE_URL: engine.url,
  TENANTS_FILE: tenants,
  MAX_MESSAGE_CHARS: '1000000',
  BODY_LIMIT_BYTES: '1048576',
});
t.teardown(() => gw.kill());
const kv = createClient({ url: redis.url });
await kv.connect();
t.teardown(() => kv.close());

const rssMb = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${gw.process.pid}/status`, 'utf8'))![1]) / 1024;

t.test('a one-byte-per-second reader: the gateway pauses the engine, its memory stays flat', async (t) => {
  const token = await fetchToken(gw.url);
  const first = await chatTurn(gw.url, token, { message: { id: 'm1', text: 'hello' } });
  t.equal(lastEvent(first)!.event, 'done');
  const sessionId = (first.events[0]!.ev.data as { sessionId: string }).sessionId;

  const body = JSON.stringify({ sessionId, message: { id: 'm2', text: 'a '.repeat(WORDS).trim() } });
  const socket = connect(Number(new URL(gw.url).port), '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  socket.pause();
  socket.write(
    `POST /v1/chat HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${token}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  const baseline = rssMb();
  const relayedSoFar = async () => {
    // Every relayed event is logged, so the last logged event's number is how far the relay got.
    const [last] = (await kv.xRevRange(`gw:events:{${sessionId}}`, '+', '-', { COUNT: 1 })) as Array<{ id: string }>;
    return last ? Number(last.id.split('-')[1]) : 0;
  };
  let taken = 0;
  const readOne = () => {
    const b = socket.read(1) as Buffer | null;
    if (b) taken += b.length;
  };
  // Phase 1: the reply streams until the socket buffers are full and the relay stops pulling.
  let relayedBefore = -1;
  // Three still seconds in a row: on a loaded machine the engine itself can stall for two.
  for (let stable = 0, i = 0; stable < 3 && i < 60; i++) {
    await sleep(1000);
    readOne();
    const now = await relayedSoFar();
    stable = now > 1000 && now === relayedBefore ? stable + 1 : 0;
    relayedBefore = now;
  }
  // Phase 2: keep reading a byte a second; the gateway must pull nothing and grow nothing.
  const start = rssMb();
  const samples: number[] = [];
  for (let i = 0; i < SAMPLE_S; i++) {
    await sleep(1000);
    readOne();
    samples.push(rssMb());
  }
  const relayed = await relayedSoFar();
  const peak = Math.max(...samples);
  t.comment(
    `figure: gateway RSS ${baseline.toFixed(1)} MB before the turn, ${start.toFixed(1)} MB once the relay paused, peak ${peak.toFixed(1)} MB and end ${samples.at(-1)!.toFixed(1)} MB over the next ${SAMPLE_S} s; client took ${taken} bytes`,
  );
  t.comment(`figure: the relay forwarded ${relayed} of ~${WORDS} token events, then paused`);
  t.ok(taken > 0, 'the client read about a byte per second');
  const marker = await kv.hGetAll(`gw:turn:{${sessionId}}`);
  t.equal(marker.msg, 'm2', 'the turn is still running: the engine is held back');
  t.ok(relayed > 1000 && relayed < WORDS, 'the relay went past the socket buffers, not to the end');
  t.equal(relayed, relayedBefore, `and pulled nothing more in ${SAMPLE_S} s`);
  t.ok(peak <= start + 10, `RSS does not climb while the slow read goes on (peak − start = ${(peak - start).toFixed(1)} MB, bound 10)`);
  t.ok(peak - baseline < 100, 'RSS within the turn-start baseline + 100 MB (sanity ceiling)');

  t.same((await stopTurn(gw.url, token, sessionId)).body, { stopped: true }, 'stop ends it');
  socket.destroy();
});
