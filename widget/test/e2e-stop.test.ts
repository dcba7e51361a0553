// Stopping a reply, as a visitor does it: while the reply is written the send button becomes a
// stop button; pressing it ends the turn at the gateway (POST /v1/sessions/:id/stop), keeps what
// was shown, says "Stopped." calmly, and the session is as it was before that turn (the engine
// commits a turn all or nothing). Real gateway, engine (slow tokens) and Redis.
import t from 'tap';
import { hostPage, launchBrowser, newPage, say, SITE_KEY, startHost, startStack, waitForReply } from './helper.js';

const browser = await launchBrowser(t);
const host = await startHost(t);
const stack = await startStack(t, { allowOrigin: host.origin, engineEnv: { EMBEDDED_TOKEN_DELAY_MS: '120' } });
host.page('/', hostPage({ script: `${stack.gateway.url}/widget.js` }));

const shownReply = () => {
  const root = document.querySelector('chat-widget')!.shadowRoot!;
  const bubble = [...root.querySelectorAll('.msg.assistant:not(.welcome)')].pop();
  return bubble
    ? [...bubble.children]
        .filter((c) => !c.classList.contains('sr-only'))
        .map((c) => c.textContent)
        .join('')
    : '';
};

t.test('the stop button ends the reply being written and changes nothing', async (t) => {
  const p = await newPage(browser);
  await p.goto(`${host.origin}/`);
  await p.getByRole('button', { name: 'Open chat' }).click();
  await say(p, 'hello');
  await waitForReply(p, 1, 30_000);
  const stored = await p.evaluate((k) => JSON.parse(sessionStorage.getItem(k) ?? '{}') as { sessionId: string; token: string }, `chat-widget:${SITE_KEY}`);
  const view = async () => {
    const res = await fetch(`${stack.gateway.url}/v1/sessions/${stored.sessionId}`, {
      headers: { authorization: `Bearer ${stored.token}`, origin: host.origin },
    });
    return (await res.json()) as { data: Record<string, unknown>; transcript: unknown[] };
  };
  const before = await view();

  await say(p, "I'm Lea Roy");
  const stop = p.getByRole('button', { name: 'Stop the reply' });
  await stop.waitFor();
  t.equal(await p.getByRole('button', { name: 'Send' }).count(), 0, 'stop replaces send while the reply is written');
  await p.waitForFunction(shownReply, undefined, { timeout: 20_000 });
  await p.waitForFunction((f) => (new Function(`return (${f})()`)() as string).split(' ').length >= 2, shownReply.toString());
  const stopped = p.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/v1/sessions/${stored.sessionId}/stop`));
  await stop.click();
  await stopped;
  const notice = p.locator('chat-widget .notice');
  await notice.filter({ hasText: 'Stopped.' }).waitFor({ timeout: 10_000 });
  t.equal(await notice.getAttribute('role'), 'status', 'a calm status, not an alert');
  await p.getByRole('button', { name: 'Send' }).waitFor();
  const partial = await p.evaluate(shownReply);
  t.ok(partial.length > 0, `what was shown stays: "${partial}"`);
  await new Promise((r) => setTimeout(r, 600));
  t.equal(await p.evaluate(shownReply), partial, 'nothing more arrives after the stop');
  const after = await view();
  t.same(after, before, 'the stopped turn left the session unchanged');

  await say(p, "I'm Lea Roy");
  const reply = await waitForReply(p, 2, 30_000);
  t.match(reply, /Lea/, 'the next message goes through');
  // A stop can land after the last token but before the turn commits: then all was shown, yet nothing kept.
  t.ok(reply.startsWith(partial.trim()), 'what the stopped reply showed is the start of the real one');
  t.same(p.problems, []);
});
