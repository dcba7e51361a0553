import t from 'tap';
import { encodeEvent, createSseParser, readSse, type WireEvent, isWireEvent, ERRORS, errorBody, AppError } from '../src/index.js';

const events: WireEvent[] = [
  { event: 'session', data: { sessionId: 'abcdefghijklmnop' }, id: '1' },
  { event: 'token', data: { text: 'Hello\n\nevent: error\ndata: {}' }, id: '2' },
  { event: 'data', data: { data: { name: 'Ann' }, missing: ['email'], invalid: [{ field: 'email', message: 'bad' }] }, id: '3' },
  { event: 'done', data: { status: 'collecting', reply: 'Hi' }, id: '4' },
  { event: 'error', data: { code: 'engine_unavailable', message: 'x', retryable: true }, id: '5' },
];

t.test('encode then parse round-trips in any chunking', async (t) => {
  const wire = events.map(encodeEvent).join(': ping\n\n');
  for (const size of [1, 2, 3, 7, 64, wire.length]) {
    const got: WireEvent[] = [];
    let comments = 0;
    const p = createSseParser({ onEvent: (e) => got.push(e), onComment: () => comments++ });
    for (let i = 0; i < wire.length; i += size) p.feed(wire.slice(i, i + size));
    t.same(got, events, `chunk size ${size}`);
    t.equal(comments, events.length - 1);
  }
});

t.test('a payload with newlines cannot inject a field', async (t) => {
  const enc = encodeEvent(events[1]!);
  t.equal(enc.split('\n').filter((l) => l.startsWith('event:')).length, 1);
});

t.test('events that break the contract are reported, not delivered', async (t) => {
  const bad: string[] = [];
  const got: WireEvent[] = [];
  const p = createSseParser({ onEvent: (e) => got.push(e), onInvalid: (why) => bad.push(why) });
  p.feed('event: token\ndata: {"text": 5}\n\nevent: nope\ndata: {}\n\nevent: token\ndata: not json\n\n');
  t.equal(got.length, 0);
  t.equal(bad.length, 3);
  t.notOk(isWireEvent({ event: 'error', data: { code: 'made_up', message: 'x', retryable: false } }));
});

t.test('readSse reads a byte stream with multibyte characters split', async (t) => {
  const bytes = new TextEncoder().encode(encodeEvent({ event: 'token', data: { text: 'héllo 👋' } }));
  async function* chunks() {
    for (let i = 0; i < bytes.length; i++) yield bytes.slice(i, i + 1);
  }
  const out: WireEvent[] = [];
  for await (const e of readSse(chunks())) out.push(e);
  t.same(out, [{ event: 'token', data: { text: 'héllo 👋' } }]);
});

t.test('error registry', async (t) => {
  t.equal(ERRORS.session_not_found.status, 404);
  t.same(errorBody('unauthorized'), { error: { code: 'unauthorized', message: ERRORS.unauthorized.message } });
  const e = new AppError('turn_in_progress');
  t.equal(e.status, 409);
  t.equal(e.retryable, true);
  t.same(e.toBody().error.code, 'turn_in_progress');
});
