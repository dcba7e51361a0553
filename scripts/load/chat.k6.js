// k6 version of the node bench's journey (bench/lib/journey.ts): a visitor token, then six SSE chat
// turns of a lead intake through the gateway, with TTFT (time to the first `token` event) as a Trend.
// k6 was not installable on the machine the README's figures come from; keep this in step with the
// node bench rather than trusting it blindly.
//
//   k6 run -e GATEWAY=http://127.0.0.1:3000 -e SITE_KEY=pk_acme_web -e ORIGIN=http://localhost:3000 scripts/load/chat.k6.js
//
// k6's http client returns whole bodies, so TTFT is read from the SSE body after the fact: the
// `timings.waiting` (time to first byte) is the closest k6 gets, and the gateway writes its
// `session` event before the first token. Use the node bench (`npm run bench`) for exact TTFT and gaps.
import http from 'k6/http';
import { check } from 'k6';
import { Trend, Counter } from 'k6/metrics';

const GATEWAY = __ENV.GATEWAY || 'http://127.0.0.1:3000';
const SITE_KEY = __ENV.SITE_KEY || 'pk_acme_web';
const ORIGIN = __ENV.ORIGIN || 'http://localhost:3000';

export const options = {
  scenarios: {
    chat: { executor: 'constant-vus', vus: Number(__ENV.VUS || 16), duration: __ENV.DURATION || '30s' },
  },
};

const ttft = new Trend('ttft_ms', true);
const turnTime = new Trend('turn_ms', true);
const events = new Counter('sse_events');
const bytes = new Counter('sse_bytes');

const SCRIPT = [
  "Hi, I'm Carla Diaz",
  'my email is carla@example.com',
  'call me on +1 415 555 0100',
  'budget is 150 a month',
  'the roof is pitched',
  'we could start next Monday',
];

function uuid() {
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = (Math.random() * 16) | 0;
    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16);
  });
}

/** Parse an SSE body into events (same framing as shared/src/sse.ts). */
function parseSse(body) {
  return body
    .split('\n\n')
    .map((block) => {
      const ev = {};
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) ev.event = line.slice(7);
        else if (line.startsWith('data: ')) ev.data = JSON.parse(line.slice(6));
      }
      return ev;
    })
    .filter((e) => e.event);
}

export default function () {
  const tok = http.post(`${GATEWAY}/v1/token`, JSON.stringify({ siteKey: SITE_KEY }), {
    headers: { 'content-type': 'application/json', origin: ORIGIN },
  });
  if (!check(tok, { 'token 200': (r) => r.status === 200 })) return;
  const token = tok.json('token');
  let sessionId;
  for (const text of SCRIPT) {
    const body = JSON.stringify({ ...(sessionId ? { sessionId } : {}), message: { id: uuid(), text } });
    const res = http.post(`${GATEWAY}/v1/chat`, body, {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'text/event-stream', origin: ORIGIN },
      timeout: '120s',
    });
    if (!check(res, { 'chat 200': (r) => r.status === 200 })) return;
    const evs = parseSse(res.body);
    const first = evs.find((e) => e.event === 'session');
    if (first) sessionId = first.data.sessionId;
    check(evs, { 'turn ends with done': (e) => e.length > 0 && e[e.length - 1].event === 'done' });
    ttft.add(res.timings.waiting);
    turnTime.add(res.timings.duration);
    events.add(evs.filter((e) => e.event !== 'session').length);
    bytes.add(res.body.length);
  }
}
