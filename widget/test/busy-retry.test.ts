// A 409 turn_in_progress (another turn holds the session, or a crashed server's lease is running
// out) is retried by the client by itself, once, after the answer's Retry-After; a second 409 is
// the visitor's to see. In Node with a stubbed fetch.
import t from 'tap';
import { ChatClient, type TurnHandlers } from '../src/client.js';
import type { WidgetError } from '../src/widget-error.js';

const busy = () =>
  new Response(JSON.stringify({ error: { code: 'turn_in_progress', message: 'Another turn of this session is in progress.' } }), {
    status: 409,
    headers: { 'content-type': 'application/json', 'retry-after': '1' },
  });
const served = () =>
  new Response(
    'id: 2-1\nevent: session\ndata: {"sessionId":"sess-0123456789abcdef"}\n\n' +
      'id: 2-2\nevent: token\ndata: {"text":"Hi! "}\n\n' +
      'id: 2-3\nevent: done\ndata: {"status":"collecting","reply":"Hi! "}\n\n',
    { status: 200, headers: { 'content-type': 'text/event-stream' } },
  );

function client(answers: Array<() => Response>) {
  const calls: string[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async (url: string | URL) => {
    calls.push(String(url));
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    return next();
  }) as typeof fetch;
  const waits: Array<[string, number]> = [];
  const events: string[] = [];
  const handlers: TurnHandlers = {
    onAttempt: () => {},
    onRetryWait: (e: WidgetError, ms: number) => waits.push([e.code, ms]),
    onEvent: (ev) => events.push(ev.event),
  };
  const c = new ChatClient({ api: 'http://gw.test', siteKey: 'pk_test', getToken: async () => 'tok' });
  const restore = () => {
    c.dispose();
    globalThis.fetch = realFetch;
  };
  return { c, calls, waits, events, handlers, restore };
}

t.test('one 409 then served: retried once, after Retry-After', async (t) => {
  const k = client([busy, served]);
  t.teardown(k.restore);
  const start = performance.now();
  await k.c.sendTurn({ id: 'm1', text: 'hello' }, k.handlers, new AbortController().signal);
  t.comment(`served after ${Math.round(performance.now() - start)} ms`);
  t.equal(k.calls.length, 2, 'two requests');
  t.same(k.waits, [['turn_in_progress', 1000]], 'waited Retry-After (1 s) once');
  t.same(k.events, ['session', 'token', 'done']);
});

t.test('409 twice: the second is thrown, no third request', async (t) => {
  const k = client([busy, busy, served, served]);
  t.teardown(k.restore);
  await t.rejects(k.c.sendTurn({ id: 'm2', text: 'hello' }, k.handlers, new AbortController().signal), { code: 'turn_in_progress' });
  t.equal(k.calls.length, 2, 'one retry only');
  t.same(k.waits, [['turn_in_progress', 1000]]);
});
