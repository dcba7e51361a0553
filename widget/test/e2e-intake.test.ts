// Must-show 1 and 6: a host page on another origin embeds the widget from the real gateway;
// the visitor completes the example intake by typing, the reply grows across frames, the
// checklist fills, chat-widget-complete fires once with the required data and the visitor goes on
// with the optional questions; the first turn carries the visitor context. Screenshots go to docs/screenshots.
import t from 'tap';
import { mkdirSync } from 'node:fs';
import { events, hostPage, launchBrowser, newPage, say, screenshotPath, SCREENSHOTS, startHost, startStack, waitForReply } from './helper.js';

mkdirSync(SCREENSHOTS, { recursive: true });
const browser = await launchBrowser(t);
const host = await startHost(t);
// A slower token pace than the other files so the streaming screenshot catches a reply mid-way.
const stack = await startStack(t, { allowOrigin: host.origin, engineEnv: { EMBEDDED_TOKEN_DELAY_MS: '40' } });
const script = `${stack.gateway.url}/widget.js`;
host.page('/', hostPage({ script, attrs: `site-key="pk_acme_web" show-progress context='{"plan":"pro","seats":3}'` }));
host.page('/dark', hostPage({ script, attrs: 'site-key="pk_acme_web" show-progress theme="dark"' }));

type P = Awaited<ReturnType<typeof newPage>>;
const checklist = (p: P) =>
  p.locator('chat-widget .progress li').evaluateAll((lis) => lis.map((li) => `${li.getAttribute('data-field')}:${li.classList.contains('done') ? 'x' : '-'}`));

/** Sample the reply's text length every animation frame while `run` sends a message. */
async function sampleReply(p: P, replyIndex: number, run: () => Promise<void>): Promise<number[]> {
  await p.evaluate((i) => {
    const w = window as unknown as { __samples: number[]; __sampling: boolean };
    w.__samples = [];
    w.__sampling = true;
    const tick = () => {
      const el = document.querySelector('chat-widget')?.shadowRoot?.querySelectorAll('.msg.assistant:not(.welcome)')[i];
      w.__samples.push(el?.textContent?.length ?? 0);
      if (w.__sampling) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }, replyIndex);
  await run();
  return p.evaluate(() => {
    const w = window as unknown as { __samples: number[]; __sampling: boolean };
    w.__sampling = false;
    return w.__samples;
  });
}

t.test('a visitor completes the intake on a host page of another origin', async (t) => {
  const p = await newPage(browser);
  const chatResponses: string[] = [];
  const chatBodies: Array<{ sessionId?: string; context?: Record<string, unknown> }> = [];
  p.on('response', (r) => {
    if (r.url().endsWith('/v1/chat')) chatResponses.push(r.headers()['content-type'] ?? '');
  });
  p.on('request', (r) => {
    if (r.url().endsWith('/v1/chat') && r.method() === 'POST') chatBodies.push(r.postDataJSON());
  });
  await p.goto(`${host.origin}/?utm_source=newsletter&email=ann%40example.com#quote`);
  t.not(new URL(stack.gateway.url).origin, host.origin, 'the gateway is another origin');
  const launcher = p.getByRole('button', { name: 'Open chat' });
  await launcher.waitFor();
  await p.screenshot({ path: screenshotPath('closed'), animations: 'disabled' });

  await launcher.click();
  await p.getByRole('dialog').waitFor();
  await p.screenshot({ path: screenshotPath('open'), animations: 'disabled' });

  // Turn 1: the reply carries the template's greeting and grows over several frames.
  const samples = await sampleReply(p, 0, async () => {
    await say(p, "Hi, I'm Ann Lee");
    await waitForReply(p, 1);
  });
  const growth = samples.filter((n, i) => n > 0 && n > (samples[i - 1] ?? 0));
  t.ok(growth.length >= 4, `reply text grew on ${growth.length} frames (${samples.filter((n) => n > 0).length} frames with text)`);
  t.ok(
    samples.every((n, i) => i === 0 || n >= (samples[i - 1] ?? 0)),
    'the text only ever grows within a turn',
  );
  const first = await p.locator('chat-widget .msg.assistant:not(.welcome)').first().innerText();
  t.match(first, /solar quote in a minute/, 'the template greeting comes with the first reply');
  t.equal(await p.locator('chat-widget .welcome').count(), 0, 'the local welcome line gives way to the conversation');
  t.match(chatResponses[0], /text\/event-stream/, 'the reply came as a stream');
  t.same(
    (await checklist(p)).filter((f) => f.endsWith(':x')),
    ['name:x'],
    'name ticked',
  );
  const language = await p.evaluate(() => navigator.language);
  t.same(
    chatBodies[0]?.context,
    { url: `${host.origin}/?utm_source=newsletter`, language, attributes: { plan: 'pro', seats: 3 } },
    'the first turn carries the visitor context: origin, path and utm_* keys only, the language, the context attribute',
  );

  // Turn 2: screenshot while the reply is still streaming. The last required field: complete.
  await say(p, 'my email is ann.lee@example.com');
  await p.locator('chat-widget .msg.assistant:not(.welcome)').nth(1).locator('[aria-hidden="true"]').waitFor();
  await p.screenshot({ path: screenshotPath('streaming'), animations: 'disabled' });
  const second = await waitForReply(p, 2);
  t.match(
    second,
    /^Thanks Ann Lee! We'll email ann\.lee@example\.com within a day\. If you like, what's the best phone number/,
    'the completion message, then an optional question',
  );
  let complete = (await events(p)).filter((e) => e.type === 'chat-widget-complete');
  t.equal(complete.length, 1, 'chat-widget-complete fired with the last required field');
  t.same(complete[0]?.detail.data, { name: 'Ann Lee', email: 'ann.lee@example.com' }, 'with the collected data');
  t.match(complete[0]?.detail.sessionId, /^[A-Za-z0-9_-]{16,64}$/);
  t.equal(await p.locator('chat-widget textarea').isDisabled(), false, 'the composer stays usable for the optional questions');
  t.equal(await p.locator('chat-widget .log .complete-mark').count(), 1, 'the log marks the completion');
  t.equal(await p.locator('chat-widget .notice').count(), 0, 'no notice takes room from the conversation');
  await p.screenshot({ path: screenshotPath('complete'), animations: 'disabled' });

  const answers = ['my phone is +1 415 555 0100', 'my budget is $150 a month', 'the roof is pitched', "we'd like to start on 2027-03-01"];
  for (const [i, text] of answers.entries()) {
    const before = (await checklist(p)).filter((f) => f.endsWith(':x')).length;
    await say(p, text);
    await waitForReply(p, 3 + i);
    const after = (await checklist(p)).filter((f) => f.endsWith(':x')).length;
    t.ok(after > before, `"${text}" ticks the checklist (${before} -> ${after})`);
  }

  t.same(await checklist(p), ['name:x', 'email:x', 'phone:x', 'budget:x', 'roof:x', 'start:x'], 'every field ticked, in template order');
  complete = (await events(p)).filter((e) => e.type === 'chat-widget-complete');
  t.equal(complete.length, 1, 'chat-widget-complete fired once');
  t.match(
    await p.evaluate(() => document.querySelector('chat-widget')!.data),
    { phone: '+1 415 555 0100', roof: 'pitched', budget: 150, start: '2027-03-01' },
    'the optional answers are collected after it',
  );
  const last = await waitForReply(p, 6);
  t.equal(last, "Thanks! That's all I need, have a great day!", 'a closing line once nothing is left to ask');
  const messages = (await events(p)).filter((e) => e.type === 'chat-widget-message');
  t.equal(messages.length, 12, 'one chat-widget-message per sent message and per reply');
  t.same(
    chatBodies.slice(1).map((b) => b.context),
    [undefined, undefined, undefined, undefined, undefined],
    'later turns carry no context',
  );
  t.ok(
    chatBodies.slice(1).every((b) => b.sessionId),
    'they name the session',
  );
  // The conversation keeps the panel: the last reply is in view above the composer.
  const [log, lastMsg] = await Promise.all([p.locator('chat-widget .log').boundingBox(), p.locator('chat-widget .msg.assistant').last().boundingBox()]);
  t.ok(log && lastMsg && lastMsg.y >= log.y && lastMsg.y + lastMsg.height <= log.y + log.height + 1, 'the last reply is visible in the log');
  t.same(p.problems, [], 'no script errors on the host page');
});

t.test('screenshots: mobile (375px) and dark', async (t) => {
  const phone = await newPage(browser, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  await phone.goto(`${host.origin}/`);
  await phone.getByRole('button', { name: 'Open chat' }).click();
  await say(phone, "Hello, I'm Mia Wong, mia@example.com");
  await waitForReply(phone, 1);
  const box = await phone.locator('chat-widget .panel').boundingBox();
  t.same(box && [box.width, box.height], [375, 740], 'the panel takes the full screen');
  await phone.screenshot({ path: screenshotPath('mobile'), animations: 'disabled' });

  const dark = await newPage(browser, { colorScheme: 'dark' });
  await dark.goto(`${host.origin}/dark`);
  await dark.getByRole('button', { name: 'Open chat' }).click();
  await say(dark, "Hi, I'm Omar Diaz");
  await waitForReply(dark, 1);
  await dark.screenshot({ path: screenshotPath('dark'), animations: 'disabled' });
  t.same([...phone.problems, ...dark.problems], []);
});

t.test("the gateway's demo page: Acme Solar with the widget, same origin", async (t) => {
  const p = await newPage(browser);
  await p.goto(`${stack.gateway.url}/`);
  t.equal(await p.title(), 'Acme Solar: clean power for your home');
  // The page's own button opens the widget through its show() method.
  await p.getByRole('button', { name: 'Get a quote' }).click();
  await p.getByRole('dialog', { name: 'Ava from Acme Solar' }).waitFor();
  await say(p, "Hi, I'm Ann Lee");
  t.match(await waitForReply(p, 1), /solar quote in a minute/, 'the API defaults to the origin widget.js came from');
  t.same(p.problems, []);
});
