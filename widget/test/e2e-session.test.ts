// Must-show 2 and 3: a reload mid-conversation restores transcript and progress and the
// conversation continues; a token that expires mid-conversation costs no message.
import t from 'tap';
import { events, hostPage, launchBrowser, newPage, say, startHost, startStack, waitForReply } from './helper.js';

// The gateway's shortest token lifetime, and no clock tolerance, so expiry is real and soon.
const TTL_S = 30;
const browser = await launchBrowser(t);
const host = await startHost(t);
const stack = await startStack(t, {
  allowOrigin: host.origin,
  gatewayEnv: { TOKEN_TTL_S: String(TTL_S), JWT_CLOCK_TOLERANCE_S: '0' },
});
host.page('/', hostPage({ script: `${stack.gateway.url}/widget.js` }));

type P = Awaited<ReturnType<typeof newPage>>;
const transcript = (p: P) =>
  p.locator('chat-widget .msg:not(.welcome)').evaluateAll((els) =>
    els.map(
      (el) =>
        `${el.classList.contains('user') ? 'user' : 'assistant'}: ${[...el.childNodes]
          .filter((n) => n.nodeType === Node.TEXT_NODE || (n instanceof HTMLElement && !n.classList.contains('sr-only')))
          .map((n) => n.textContent)
          .join('')
          .trim()}`,
    ),
  );
const ticked = (p: P) => p.locator('chat-widget .progress li.done').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-field')));

t.test('a reload restores transcript and progress, and the conversation continues', async (t) => {
  const p = await newPage(browser);
  await p.goto(`${host.origin}/`);
  await p.getByRole('button', { name: 'Open chat' }).click();
  await say(p, "Hi, I'm Ann Lee");
  await waitForReply(p, 1);
  await say(p, 'my email is ann@example.com');
  await waitForReply(p, 2);
  const before = await transcript(p);
  const sessionId = (await events(p)).find((e) => e.type === 'chat-widget-message' && e.detail.role === 'assistant')?.detail.sessionId;
  t.equal(before.length, 4);
  t.same(await ticked(p), ['name', 'email']);

  await p.reload();
  // The panel comes back open, as the visitor left it, with the conversation in it.
  await p.getByRole('dialog').waitFor();
  await p.locator('chat-widget .msg.user').nth(1).waitFor();
  t.same(await transcript(p), before, 'transcript restored');
  t.same(await ticked(p), ['name', 'email'], 'progress restored');
  t.equal(await p.locator('chat-widget .progress li').count(), 6, 'the whole checklist, from the session view');

  await say(p, 'my budget is $200 a month');
  const reply = await waitForReply(p, 1);
  t.ok(reply.length > 0, 'the next reply arrives');
  t.same(await ticked(p), ['name', 'email', 'budget'], 'the same session collects on');
  t.equal((await events(p)).find((e) => e.type === 'chat-widget-message')?.detail.sessionId, sessionId, 'same session id after the reload');
  t.same(p.problems, []);
});

t.test('a token that expires mid-conversation does not lose a message', async (t) => {
  const p = await newPage(browser);
  const log: string[] = [];
  p.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/v1/')) log.push(`${r.request().method()} ${path} ${r.status()}`);
  });
  // The page's clock is ours: frozen, the widget cannot refresh ahead of time (a sleeping laptop).
  await p.clock.install();
  await p.goto(`${host.origin}/`);
  await p.getByRole('button', { name: 'Open chat' }).click();
  await say(p, "Hi, I'm Bo Chen");
  await waitForReply(p, 1);
  await p.clock.pauseAt(Date.now() + 1000);
  await new Promise((r) => setTimeout(r, (TTL_S + 2) * 1000));

  log.length = 0;
  await say(p, 'my email is bo@example.com');
  await waitForReply(p, 2);
  t.same(
    log.filter((l) => !l.startsWith('OPTIONS')),
    ['POST /v1/chat 401', 'POST /v1/token 200', 'POST /v1/chat 200'],
    'expired token refused, a new one fetched, the same message sent again',
  );
  const users = await p.locator('chat-widget .msg.user').allInnerTexts();
  t.equal(users.filter((u) => u.includes('bo@example.com')).length, 1, 'the message shows once');
  t.same(await ticked(p), ['name', 'email'], 'and the server took it, in the same session');
  t.equal(await p.locator('chat-widget .notice.error').count(), 0, 'no error shown');

  // Ahead-of-time refresh: at ~80% of the lifetime the widget fetches a new token by itself.
  log.length = 0;
  const refreshed = p.waitForResponse((r) => r.url().endsWith('/v1/token'));
  await p.clock.runFor(TTL_S * 0.85 * 1000);
  await refreshed;
  t.same(
    log.filter((l) => !l.startsWith('OPTIONS')),
    ['POST /v1/token 200'],
    'refreshed before expiry while the visitor chats',
  );
  t.same(p.problems, []);
});
