// The element on its own in Chromium, before any gateway is involved: launcher, dialog
// behaviour, keyboard, languages, attributes, layout. The API points at a closed port.
import t from 'tap';
import { freePort } from '../../scripts/testkit/index.js';
import { events, hostPage, launchBrowser, newPage, startHost } from './helper.js';

const browser = await launchBrowser(t);
const host = await startHost(t);
const deadApi = `http://127.0.0.1:${await freePort()}`;
const page = (attrs: string, lang = 'en') => hostPage({ script: '/widget.js', attrs: `api="${deadApi}" ${attrs}`, lang });

host.page('/', page('site-key="pk_acme_web" show-progress'));
host.page('/de', page('site-key="pk_acme_web" lang="de"'));
host.page('/fr', page('site-key="pk_acme_web"', 'fr'));
host.page('/nokey', page(''));
host.page('/left', page('site-key="pk_acme_web" position="bottom-left" theme="dark"'));

const active = (p: Awaited<ReturnType<typeof newPage>>) =>
  p.evaluate(() => {
    const el = document.querySelector('chat-widget')?.shadowRoot?.activeElement as HTMLElement | null | undefined;
    return el ? `${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''}` : null;
  });

t.test('launcher opens a labelled dialog; Tab stays inside; Esc closes and returns focus', async (t) => {
  const p = await newPage(browser);
  await p.goto(`${host.origin}/`);
  const launcher = p.getByRole('button', { name: 'Open chat' });
  await launcher.waitFor();
  t.equal(await p.locator('chat-widget .panel').isVisible(), false, 'panel hidden while closed');
  await launcher.focus();
  await p.keyboard.press('Enter');
  const dialog = p.getByRole('dialog', { name: 'Chat with us' });
  await dialog.waitFor();
  t.equal(await p.locator('chat-widget').getAttribute('open'), '', 'open reflects to the attribute');
  t.equal(await active(p), 'textarea', 'focus moves to the message box');
  t.match(await p.locator('chat-widget .welcome').innerText(), /Hi!/, 'welcome line shown before the first exchange');
  t.equal(await p.getByRole('log').count(), 1, 'transcript is a log');
  t.equal(await p.getByRole('textbox', { name: 'Message' }).count(), 1, 'message box is labelled');
  t.equal(await p.getByRole('textbox', { name: 'Message' }).getAttribute('maxlength'), '4000', "no gateway has stated its limit: the gateway's default");

  const seen = new Set<string | null>();
  for (let i = 0; i < 8; i++) {
    await p.keyboard.press('Tab');
    seen.add(await active(p));
  }
  t.notOk(seen.has(null), 'Tab never leaves the panel');
  t.ok(seen.has('button.close') && seen.has('textarea'), 'Tab cycles through the panel controls');
  for (let i = 0; i < 4; i++) {
    await p.keyboard.press('Shift+Tab');
    t.not(await active(p), null, 'Shift+Tab stays in the panel');
  }

  await p.keyboard.press('Escape');
  await launcher.waitFor();
  t.equal(await p.locator('chat-widget').getAttribute('open'), null, 'Esc closes');
  t.equal(await active(p), 'button.launcher', 'focus returns to the launcher');
  t.same(
    (await events(p)).map((e) => [e.type, e.detail.open]),
    [
      ['chat-widget-open', true],
      ['chat-widget-close', false],
    ],
  );
  t.same(p.problems, []);
});

t.test('strings follow the lang attribute, else the page language', async (t) => {
  const p = await newPage(browser);
  await p.goto(`${host.origin}/de`);
  await p.getByRole('button', { name: 'Chat öffnen' }).click();
  await p.getByRole('dialog', { name: 'Schreiben Sie uns' }).waitFor();
  t.equal(await p.getByRole('textbox', { name: 'Nachricht' }).getAttribute('placeholder'), 'Nachricht eingeben…');
  const fr = await newPage(browser);
  await fr.goto(`${host.origin}/fr`);
  await fr.getByRole('button', { name: 'Ouvrir le chat' }).click();
  t.equal(await fr.getByRole('button', { name: 'Envoyer' }).count(), 1);
});

t.test('no site key: a clear message in the panel, not a blank box', async (t) => {
  const p = await newPage(browser);
  await p.goto(`${host.origin}/nokey`);
  await p.getByRole('button', { name: 'Open chat' }).click();
  t.match(await p.getByRole('alert').innerText(), /not set up for this website/);
  t.equal(await p.getByRole('textbox', { name: 'Message' }).isDisabled(), true, 'composer disabled');
});

t.test('position and theme attributes; full screen under 480px', async (t) => {
  const p = await newPage(browser);
  await p.goto(`${host.origin}/left`);
  const box = await p.getByRole('button', { name: 'Open chat' }).boundingBox();
  t.ok(box && box.x < 100, 'bottom-left launcher sits on the left');
  await p.getByRole('button', { name: 'Open chat' }).click();
  const bg = await p.locator('chat-widget .panel').evaluate((el) => getComputedStyle(el).backgroundColor);
  t.equal(bg, 'rgb(17, 24, 39)', 'dark theme background');

  const phone = await newPage(browser, { viewport: { width: 375, height: 700 }, isMobile: true, hasTouch: true });
  await phone.goto(`${host.origin}/`);
  await phone.getByRole('button', { name: 'Open chat' }).click();
  // The panel opens with a short transition: measure once it has settled.
  const panelBox = async () => {
    const b = await phone.locator('chat-widget .panel').boundingBox();
    return b && [b.x, b.y, b.width, b.height].map((v) => Math.round(v));
  };
  for (let i = 0; i < 40 && JSON.stringify(await panelBox()) !== '[0,0,375,700]'; i++) await phone.waitForTimeout(50);
  t.same(await panelBox(), [0, 0, 375, 700], 'panel covers the screen');
});

t.test('prefers-reduced-motion turns animations off', async (t) => {
  const p = await newPage(browser, { reducedMotion: 'reduce' });
  await p.goto(`${host.origin}/`);
  await p.getByRole('button', { name: 'Open chat' }).click();
  t.equal(await p.locator('chat-widget .panel').evaluate((el) => getComputedStyle(el).animationName), 'none');
});
