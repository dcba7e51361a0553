// Accessibility and presentation of every view, in Chromium against the real stack: keyboard only
// (sign-in, the skip link, the navigation, focus that always shows, a dialog); axe-core on every view
// in light and dark finds no violation at all; 375 px wide nothing scrolls sideways; dark mode; the
// widget's four languages. Screenshots: mobile (375 px), dark.
import t from 'tap';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import {
  SCREENSHOTS,
  axe,
  checkBuilt,
  focused,
  launchBrowser,
  newPage,
  openView,
  reply,
  say,
  screenshotPath,
  signIn,
  signedInPage,
  startStack,
  visitorChat,
} from './helper.js';

checkBuilt();
mkdirSync(SCREENSHOTS, { recursive: true });
const browser = await launchBrowser(t);
const stack = await startStack(t);
const consoleUrl = `${stack.gateway.url}/console`;
const { key } = await stack.tenantKey('acme');
// Two leads, for the leads table and a lead's page.
await visitorChat(stack.gateway.url, "Hi, I'm Ann Lee, ann@example.com");
await visitorChat(stack.gateway.url, "Hello, I'm Bob Stone, bob@example.com");
const leadId = ((await stack.admin('GET', '/tenants/acme/submissions')).json.items[0] as { id: string }).id;
const VIEWS = ['sites', 'templates', 'templates/lead-intake', 'leads', `leads/${leadId}`, 'webhook'];
const deep = focused;
const signedIn = (opts: Parameters<typeof newPage>[1] = {}) => signedInPage(browser, consoleUrl, key, opts);
const open = (p: Page, view: string) => openView(p, consoleUrl, view);

t.test('keyboard only: sign in, skip link, navigation, a dialog; focus always visible', async (t) => {
  const p = await newPage(browser);
  await p.goto(consoleUrl);
  await p.getByLabel('Tenant key').waitFor();
  t.equal((await deep(p)).tag, 'INPUT', 'the key field has the focus');
  await p.keyboard.type(key);
  await p.keyboard.press('Enter');
  await p.getByRole('heading', { level: 1, name: 'Sites' }).waitFor();
  let f = await deep(p);
  t.same([f.tag, f.text], ['H1', 'Sites'], "signed in, the first view's heading has the focus");

  await p.reload();
  await p.getByRole('heading', { level: 1, name: 'Sites' }).waitFor();
  await p.keyboard.press('Tab');
  f = await deep(p);
  t.same([f.tag, f.text], ['BUTTON', 'Skip to content'], 'the first Tab stop skips to the content');
  t.not(f.outline, 'none', 'with a visible focus ring');
  await p.keyboard.press('Enter');
  t.equal((await deep(p)).tag, 'MAIN', 'to the main content');

  await p.reload();
  await p.getByRole('heading', { level: 1, name: 'Sites' }).waitFor();
  const stops: string[] = [];
  for (let i = 0; i < 5; i++) {
    await p.keyboard.press('Tab');
    f = await deep(p);
    stops.push(f.text);
    t.not(f.outline, 'none', `"${f.text}" shows its focus`);
  }
  t.same(stops, ['Skip to content', 'Sites', 'Templates', 'Leads', 'Webhook'], 'then the navigation, in order');
  await p.keyboard.press('Shift+Tab');
  await p.keyboard.press('Enter');
  await p.getByRole('heading', { level: 1, name: 'Leads' }).waitFor();
  f = await deep(p);
  t.same([f.tag, f.text], ['H1', 'Leads'], 'Enter on a link opens the view; its heading takes the focus');

  const unseen: string[] = [];
  for (let i = 0; i < 12; i++) {
    await p.keyboard.press('Tab');
    f = await deep(p);
    if (f.outline === 'none') unseen.push(`${f.tag} "${f.text}"`);
  }
  t.same(unseen, [], 'every control Tab reaches in the view shows its focus');

  await p.goto(`${consoleUrl}#/sites`);
  const del = p.locator('article[data-site="acme-web"]').getByRole('button', { name: 'Delete site' });
  await del.focus();
  await p.keyboard.press('Enter');
  await p.getByRole('dialog').waitFor();
  t.equal((await deep(p)).text, 'Cancel', 'a destructive dialog opens on Cancel');
  await p.keyboard.press('Escape');
  await p.getByRole('dialog').waitFor({ state: 'hidden' });
  t.equal((await deep(p)).text, 'Delete site', 'Esc closes it and gives the focus back');
  t.same(p.problems, []);
  await p.close();
});

t.test('axe finds no violations on any view, light and dark', async (t) => {
  for (const theme of ['light', 'dark'] as const) {
    // Reduced motion: axe measures contrast, which an element fading in would fail mid-way.
    const p = await newPage(browser, { colorScheme: theme, reducedMotion: 'reduce' });
    await p.goto(consoleUrl);
    await p.getByLabel('Theme').selectOption(theme);
    t.same(await axe(p), [], `${theme}: sign-in`);
    await signIn(p, key);
    await p.getByRole('heading', { level: 1, name: 'Sites' }).waitFor();
    for (const view of VIEWS) {
      await open(p, view);
      t.same(await axe(p), [], `${theme}: #/${view}`);
    }
    t.same(p.problems, []);
    await p.close();
  }
});

t.test('375 px wide: no view scrolls sideways; dark mode; screenshots', async (t) => {
  const p = await newPage(browser, { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  await p.goto(consoleUrl);
  t.ok(await p.evaluate(() => document.documentElement.scrollWidth <= 375), 'sign-in fits');
  await signIn(p, key);
  await p.getByRole('heading', { level: 1, name: 'Sites' }).waitFor();
  for (const view of VIEWS) {
    await open(p, view);
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    t.ok(width <= 375, `#/${view} fits in 375 px (${width})`);
    if (view === 'leads') await p.screenshot({ path: screenshotPath('mobile'), animations: 'disabled', fullPage: true });
  }
  await p.close();

  const dark = await signedIn({ colorScheme: 'dark' });
  t.equal(await dark.locator('chat-console').getAttribute('theme'), 'auto', 'the theme follows the system by default');
  t.equal(await dark.locator('chat-console').evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(13, 18, 25)', 'dark colours');
  await open(dark, 'templates/lead-intake');
  await dark.locator('console-preview chat-widget').waitFor();
  t.equal(await dark.locator('console-preview chat-widget').getAttribute('theme'), 'auto', 'the preview widget follows the theme');
  await say(dark, 'console-preview', "Hi, I'm Kim Park");
  await reply(dark, 'console-preview', 1);
  await dark.mouse.move(0, 0);
  await dark.screenshot({ path: screenshotPath('dark'), animations: 'disabled' });
  await dark.close();
});

t.test("the widget's four languages", async (t) => {
  const p = await signedIn();
  const nav = () => p.locator('chat-console nav a').allInnerTexts();
  const expected: Record<string, string[]> = {
    es: ['Sitios', 'Plantillas', 'Contactos', 'Webhook'],
    fr: ['Sites', 'Modèles', 'Prospects', 'Webhook'],
    de: ['Websites', 'Vorlagen', 'Leads', 'Webhook'],
    en: ['Sites', 'Templates', 'Leads', 'Webhook'],
  };
  for (const [lang, labels] of Object.entries(expected)) {
    await p.locator('chat-console .prefs select').first().selectOption(lang);
    t.same(await nav(), labels, `${lang}: the navigation`);
    t.equal(await p.evaluate(() => document.documentElement.lang), lang, `${lang}: the page's lang`);
  }
  await p.locator('chat-console .prefs select').first().selectOption('de');
  await p.reload();
  t.same(await nav(), expected.de, 'the choice is kept');
  await open(p, 'templates/lead-intake');
  t.equal(await p.locator('console-preview chat-widget').getAttribute('lang'), 'de', 'the preview widget speaks it too');
  t.match(await p.locator('console-template-editor h1').innerText(), /^Vorlage lead-intake$/);
  t.same(p.problems, []);
  await p.close();
});
