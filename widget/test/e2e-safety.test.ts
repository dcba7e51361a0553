// Must-show 4 and 5, and the misconfiguration message: a reply carrying markup and a
// javascript: link, split across chunks, stays inert text; keyboard only, open, type, send,
// close; axe-core finds no serious or critical violation in the open panel.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostPage, launchBrowser, newPage, NOTES_SITE_KEY, ROOT, say, startHost, startStack, waitForReply } from './helper.js';

const browser = await launchBrowser(t);
const host = await startHost(t);
// Slow tokens: each DOM snapshot must catch the payload mid-way, also on a loaded machine.
const stack = await startStack(t, { allowOrigin: host.origin, engineEnv: { EMBEDDED_TOKEN_DELAY_MS: '60' } });
const script = `${stack.gateway.url}/widget.js`;
host.page('/', hostPage({ script }));
host.page('/notes', hostPage({ script, attrs: `site-key="${NOTES_SITE_KEY}"` }));
host.page('/dark', hostPage({ script, attrs: 'site-key="pk_acme_web" show-progress theme="dark"' }));
host.page('/unknown', hostPage({ script, attrs: 'site-key="pk_nobody"' }));

// Spaces inside the tags make the engine's word-sized tokens cut every tag in pieces.
const PAYLOAD =
  '<img src=x onerror="window.__pwned=1"> <script> window.__pwned=2 </script> ' +
  '<a href="javascript:window.__pwned=3"> click </a> javascript:window.__pwned=4 https://acme.example/ok';

t.test('model output with markup stays text, across chunks', async (t) => {
  const p = await newPage(browser);
  await p.goto(`${host.origin}/notes`);
  await p.getByRole('button', { name: 'Open chat' }).click();
  await say(p, "I'm Eve Stone");
  await waitForReply(p, 1);
  // Record the reply as the DOM shows it after every mutation: the payload must arrive in pieces.
  await p.evaluate(() => {
    const root = document.querySelector('chat-widget')!.shadowRoot!;
    const w = window as unknown as { __snapshots: string[] };
    w.__snapshots = [];
    new MutationObserver(() => {
      const replies = root.querySelectorAll('.msg.assistant:not(.welcome)');
      if (replies.length === 2) w.__snapshots.push(replies[1]!.textContent ?? '');
    }).observe(root, { subtree: true, childList: true, characterData: true });
  });
  await say(p, PAYLOAD);
  const reply = await waitForReply(p, 2);
  t.ok(reply.endsWith(`Eve Stone! You wrote: ${PAYLOAD}`), 'the engine echoed the payload');
  const snapshots = await p.evaluate(() => (window as unknown as { __snapshots: string[] }).__snapshots);
  t.ok(
    snapshots.some((s) => s.includes('<img src=x') && !s.includes('onerror')),
    'the <img> tag arrived split',
  );
  t.ok(
    snapshots.some((s) => s.includes('<script> window') && !s.includes('</script>')),
    'the <script> tag arrived split',
  );
  t.ok(
    snapshots.some((s) => s.includes('href="javascript:') && !s.includes('</a>')),
    'the javascript: link arrived split',
  );

  const shown = await p
    .locator('chat-widget .msg.assistant')
    .last()
    .evaluate((el) =>
      [...el.childNodes]
        .filter((n) => n.nodeType === Node.TEXT_NODE || (n instanceof HTMLElement && !n.classList.contains('sr-only')))
        .map((n) => n.textContent)
        .join(''),
    );
  t.equal(shown.trim(), reply, 'the text is shown literally');
  const found = await p.evaluate(() => {
    const root = document.querySelector('chat-widget')!.shadowRoot!;
    return {
      pwned: (window as unknown as { __pwned?: number }).__pwned,
      img: root.querySelectorAll('img').length + document.querySelectorAll('img').length,
      script: root.querySelectorAll('script').length,
      links: [...root.querySelectorAll('a')].map((a) => [a.getAttribute('href'), a.getAttribute('rel'), a.getAttribute('target')]),
    };
  });
  t.equal(found.pwned, undefined, 'nothing ran');
  t.equal(found.img, 0, 'no <img> element');
  t.equal(found.script, 0, 'no <script> element');
  // The visitor's bubble and the reply each show one link: the http(s) URL, never the javascript: ones.
  t.same(
    found.links,
    [0, 1].map(() => ['https://acme.example/ok', 'noopener noreferrer', '_blank']),
    'only the http(s) URL became a link',
  );
  t.same(p.problems, []);
});

t.test('keyboard only: open, type, send, close; axe finds nothing serious', async (t) => {
  const p = await newPage(browser);
  await p.goto(`${host.origin}/`);
  await p.getByRole('button', { name: 'Open chat' }).waitFor();
  await p.keyboard.press('Tab');
  t.equal(await p.evaluate(() => document.activeElement?.tagName), 'CHAT-WIDGET', 'Tab reaches the launcher');
  await p.keyboard.press('Enter');
  await p.getByRole('dialog').waitFor();
  await p.keyboard.type("Hi, I'm Kim Park");
  await p.keyboard.press('Enter');
  const reply = await waitForReply(p, 1);
  t.match(reply, /Thanks, Kim!/, 'sent with Enter, answered');
  t.equal(await p.locator('chat-widget textarea').inputValue(), '', 'composer cleared');

  const axeSource = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
  const scan = async (page: typeof p) => {
    await page.addScriptTag({ content: axeSource });
    return page.evaluate(async () => {
      const axe = (
        window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> } }
      ).axe;
      const r = await axe.run({ include: [['chat-widget']] }, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
    });
  };
  const light = await scan(p);
  t.same(
    light.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
    [],
    'light: no serious or critical violation',
  );
  t.comment(`axe (light), all findings: ${JSON.stringify(light)}`);

  await p.keyboard.press('Escape');
  await p.getByRole('button', { name: 'Open chat' }).waitFor();
  t.equal(
    await p.evaluate(() => document.querySelector('chat-widget')?.shadowRoot?.activeElement?.className),
    'launcher',
    'Esc closed the panel; focus is back on the launcher',
  );

  const dark = await newPage(browser);
  await dark.goto(`${host.origin}/dark`);
  await dark.getByRole('button', { name: 'Open chat' }).click();
  await say(dark, "Hi, I'm Kim Park");
  await waitForReply(dark, 1);
  const darkFindings = await scan(dark);
  t.same(
    darkFindings.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
    [],
    'dark: no serious or critical violation',
  );
  t.same([...p.problems, ...dark.problems], []);
});

t.test('an unknown site key shows a clear message in the panel', async (t) => {
  const p = await newPage(browser);
  await p.goto(`${host.origin}/unknown`);
  await p.getByRole('button', { name: 'Open chat' }).click();
  t.match(await p.getByRole('alert').innerText(), /not set up for this website/);
  t.equal(await p.getByRole('textbox', { name: 'Message' }).isDisabled(), true);
});
