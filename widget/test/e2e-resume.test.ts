// A reply's connection dropping mid-stream, as a visitor on a flaky network meets it: a real TCP
// pass-through proxy between Chromium and the gateway cuts the `POST /v1/chat` connection, and the
// widget must pick the reply up with `GET /v1/sessions/:id/stream` + Last-Event-ID (not send the
// message again), showing the whole reply once. Real gateway, engine (slow tokens) and Redis.
import { createServer, connect, type Socket } from 'node:net';
import t, { type Test } from 'tap';
import { freePort } from '../../scripts/testkit/index.js';
import { events, hostPage, launchBrowser, newPage, say, SITE_KEY, startHost, startStack, waitForReply } from './helper.js';

interface Head {
  method: string;
  path: string;
  headers: Record<string, string>;
}
/** Where to cut a chat response, as an offset into the bytes the gateway sent (-1: not yet). */
type CutRule = (received: string) => number;

/** Forwards bytes both ways and records request heads; `rule` arms a cut of the next chat response. */
async function startProxy(upstreamPort: number, tt: Test) {
  const port = await freePort();
  const heads: Head[] = [];
  // stall: hold the connection at the cut point until drop(); forwarded: what reached the browser.
  const proxy = { origin: `http://127.0.0.1:${port}`, heads, rule: undefined as CutRule | undefined, stall: false, drop: () => {}, forwarded: '' };
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(upstreamPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined).on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    let sent = '';
    let scanned = 0;
    let rule: CutRule | undefined;
    let received: string | undefined; // the gateway's bytes since this connection's chat request
    client.on('data', (chunk: Buffer) => {
      sent += chunk.toString('latin1');
      // Requests follow each other on a kept-alive connection: head, then content-length bytes of body.
      for (let end; (end = sent.indexOf('\r\n\r\n', scanned)) >= 0; ) {
        const [line = '', ...rest] = sent.slice(scanned, end).split('\r\n');
        const [method = '', path = ''] = line.split(' ');
        const headers = Object.fromEntries(rest.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
        const next = end + 4 + Number(headers['content-length'] ?? 0);
        if (sent.length < next) break;
        scanned = next;
        heads.push({ method, path, headers });
        if (method === 'POST' && path === '/v1/chat' && proxy.rule) [rule, proxy.rule, received] = [proxy.rule, undefined, ''];
      }
      upstream.write(chunk);
    });
    let stalled = false;
    upstream.on('data', (chunk: Buffer) => {
      if (stalled) return;
      if (received === undefined || !rule) return void client.write(chunk);
      const before = received.length;
      received += chunk.toString('latin1');
      const at = rule(received);
      if (at < 0) return void client.write(chunk);
      // Latin-1 keeps one char per byte, so the offset is a byte offset. Flush, then drop both sides.
      proxy.forwarded = received.slice(0, at);
      rule = undefined;
      stalled = true;
      const drop = () => {
        upstream.destroy();
        client.destroy();
      };
      if (proxy.stall) proxy.drop = drop;
      client.write(chunk.subarray(0, at - before), () => proxy.stall || drop());
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  tt.teardown(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return proxy;
}

const browser = await launchBrowser(t);
const host = await startHost(t);
const stack = await startStack(t, { allowOrigin: host.origin, engineEnv: { EMBEDDED_TOKEN_DELAY_MS: '80' } });
const proxy = await startProxy(stack.gateway.port, t);
host.page('/', hostPage({ script: `${stack.gateway.url}/widget.js`, attrs: `site-key="${SITE_KEY}" api="${proxy.origin}"` }));

/** Through the 3rd `event: token` line, so the widget also holds half an event when the line drops. */
const afterThirdToken: CutRule = (r) => {
  let at = -1;
  for (let i = 0; i < 3; i++) if ((at = r.indexOf('event: token\n', at + 1)) < 0) return -1;
  return at + 'event: token\n'.length;
};
/** Just after the whole `done` event, before the response's end. */
const afterDone: CutRule = (r) => {
  const at = r.indexOf('event: done\n');
  const end = at < 0 ? -1 : r.indexOf('\n\n', at);
  return end < 0 ? -1 : end + 2;
};

async function chatThroughCut(tt: Test, rule: CutRule, stall = false) {
  Object.assign(proxy, { rule, stall, forwarded: '' });
  proxy.heads.length = 0;
  const p = await newPage(browser);
  await p.goto(`${host.origin}/`);
  await p.getByRole('button', { name: 'Open chat' }).click();
  // Every text the reply bubble shows while it streams (the final one alone would hide a repeat:
  // `done` replaces a mismatching text with the true reply).
  await p.evaluate(() => {
    const root = document.querySelector('chat-widget')!.shadowRoot!;
    const w = window as unknown as { __shown: string[] };
    w.__shown = [];
    new MutationObserver(() => {
      const bubble = [...root.querySelectorAll('.msg.assistant:not(.welcome)')].pop();
      const text = bubble
        ? [...bubble.children]
            .filter((c) => !c.classList.contains('sr-only'))
            .map((c) => c.textContent)
            .join('')
        : '';
      if (text && text !== w.__shown.at(-1)) w.__shown.push(text);
    }).observe(root, { subtree: true, childList: true, characterData: true });
  });
  const message = "Hi, I'm Lea Roy";
  await say(p, message);
  const reply = await waitForReply(p, 1, 30_000);
  tt.equal(proxy.rule, undefined, 'the proxy reached its cut point');

  const stored = await p.evaluate((k) => JSON.parse(sessionStorage.getItem(k) ?? '{}') as { sessionId: string; token: string }, `chat-widget:${SITE_KEY}`);
  const res = await fetch(`${stack.gateway.url}/v1/sessions/${stored.sessionId}`, {
    headers: { authorization: `Bearer ${stored.token}`, origin: host.origin },
  });
  tt.equal(res.status, 200);
  const view = (await res.json()) as { transcript: Array<{ role: string; text: string }> };
  const assistant = view.transcript.filter((e) => e.role === 'assistant');
  tt.equal(assistant.length, 1, 'one reply in the session');
  tt.equal(reply, assistant[0]?.text, 'the visitor got the whole reply the engine wrote');
  tt.same(
    view.transcript.filter((e) => e.role === 'user').map((e) => e.text),
    [message],
    'the message is in the session once',
  );
  tt.equal(proxy.heads.filter((h) => h.method === 'POST' && h.path === '/v1/chat').length, 1, 'the message was not sent again');

  const shown = await p.evaluate(() => (window as unknown as { __shown: string[] }).__shown);
  tt.equal(shown.at(-1), reply, 'the bubble ends with the reply');
  tt.same(
    shown.filter((s) => !reply.startsWith(s)),
    [],
    'every text shown while streaming is a prefix of the reply: nothing repeated at the cut',
  );
  tt.same((await events(p)).filter((e) => e.type === 'chat-widget-message' && e.detail.role === 'assistant').length, 1, 'one reply announced');
  tt.equal(await p.locator('chat-widget .msg.assistant:not(.welcome)').count(), 1, 'one reply bubble');
  tt.equal(await p.locator('chat-widget .msg.user').count(), 1, 'the message shows once');
  tt.equal(await p.locator('chat-widget .notice.error, chat-widget .notice.retrying').count(), 0, 'no error notice remains');
  tt.same(p.problems, []);
  return { p, sessionId: stored.sessionId };
}

const streams = () => proxy.heads.filter((h) => h.method === 'GET' && h.path.endsWith('/stream'));

t.test('cut mid-reply: resumed from the last event, the reply shows whole and once', async (t) => {
  const { sessionId } = await chatThroughCut(t, afterThirdToken);
  const ids = [...proxy.forwarded.matchAll(/id: (\S+)\nevent: \w+\ndata: [^\n]*\n\n/g)].map((m) => m[1]);
  t.ok(ids.length >= 3, 'the widget got whole events before the cut');
  t.same(
    streams().map((h) => [h.path, h.headers['last-event-id']]),
    [[`/v1/sessions/${sessionId}/stream`, ids.at(-1)]],
    'one resume request, after the last whole event (not the half one)',
  );
});

// Dropping at once after `done` races in the browser: a body stream that errors discards chunks
// not yet read, so the widget may never see `done` (and resumes, rightly, from the last event it
// saw). So the response stalls after `done` (its end never comes) and drops once the reply shows.
t.test('cut after done: nothing to resume, nothing repeated', async (t) => {
  const { p } = await chatThroughCut(t, afterDone, true);
  t.match(proxy.forwarded, /event: done\n/, 'done reached the browser');
  proxy.drop();
  await say(p, 'my email is lea@example.com');
  await waitForReply(p, 2, 30_000);
  t.same(streams(), [], 'no resume request, neither after the first reply nor during the next');
  t.equal(proxy.heads.filter((h) => h.method === 'POST' && h.path === '/v1/chat').length, 2, 'each message sent once');
  t.equal(await p.locator('chat-widget .notice.error, chat-widget .notice.retrying').count(), 0, 'no error notice');
});
