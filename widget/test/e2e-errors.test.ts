// Failures as a visitor meets them: the engine going away mid-conversation gives a calm
// notice and an automatic retry of the same message; a message the gateway refuses gives an
// error with a retry button (the composer's limit is the gateway's MAX_MESSAGE_CHARS, so only a
// script gets a longer one there). Real gateway, engine and Redis.
import t from 'tap';
import { hostPage, launchBrowser, newPage, say, startHost, startStack, waitForReply } from './helper.js';

const MAX_MESSAGE_CHARS = 200;
const browser = await launchBrowser(t);
const host = await startHost(t);
const stack = await startStack(t, { allowOrigin: host.origin, gatewayEnv: { MAX_MESSAGE_CHARS: String(MAX_MESSAGE_CHARS) } });
host.page('/', hostPage({ script: `${stack.gateway.url}/widget.js` }));

t.test('engine down: a calm notice, then the same message goes through once it is back', async (t) => {
  const p = await newPage(browser);
  await p.goto(`${host.origin}/`);
  await p.getByRole('button', { name: 'Open chat' }).click();
  await say(p, "Hi, I'm Lea Roy");
  await waitForReply(p, 1);

  await stack.engine.kill();
  await say(p, 'my email is lea@example.com');
  const notice = p.locator('chat-widget .notice.retrying');
  await notice.waitFor();
  t.equal(await notice.getAttribute('role'), 'status', 'a polite status, not an alert');
  t.match(await notice.innerText(), /trying again/);
  t.equal(await p.locator('chat-widget .retry').count(), 0, 'no button: the widget retries by itself');

  await stack.restartEngine();
  await waitForReply(p, 2, 30_000);
  t.equal(await notice.count(), 0, 'the notice goes once the reply streams');
  const users = await p.locator('chat-widget .msg.user').allInnerTexts();
  t.equal(users.filter((u) => u.includes('lea@example.com')).length, 1, 'the message shows once');
  t.same(
    await p.locator('chat-widget .progress li.done').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-field'))),
    ['name', 'email'],
    'and the session took it',
  );
  t.same(p.problems, []);
});

t.test('a refused message: an error with a retry button', async (t) => {
  const p = await newPage(browser);
  await p.goto(`${host.origin}/`);
  await p.getByRole('button', { name: 'Open chat' }).click();
  // The composer takes its limit from the gateway (the token answer's maxMessageChars)...
  const input = p.getByRole('textbox', { name: 'Message' });
  await p.waitForFunction((n) => document.querySelector('chat-widget')?.shadowRoot?.querySelector('textarea')?.maxLength === n, MAX_MESSAGE_CHARS);
  await input.fill('y'.repeat(MAX_MESSAGE_CHARS + 50));
  t.equal((await input.inputValue()).length, MAX_MESSAGE_CHARS, 'typing stops at the gateway limit');
  // ...a longer value set by a script still reaches the gateway, which refuses it.
  await input.evaluate(
    (el, text) => {
      (el as HTMLTextAreaElement).value = text;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    },
    'x'.repeat(MAX_MESSAGE_CHARS + 1),
  );
  await input.press('Enter');
  const alert = p.getByRole('alert');
  await alert.waitFor();
  t.match(await alert.innerText(), /could not be sent/);
  const retry = p.getByRole('button', { name: 'Try again' });
  t.equal(await retry.count(), 1);
  t.equal(await p.getByRole('textbox', { name: 'Message' }).isDisabled(), false, 'the visitor can type on');

  // The shorter message that follows goes through and the error goes away.
  await say(p, "I'm Lea Roy");
  await waitForReply(p, 1);
  t.equal(await alert.count(), 0);
});
