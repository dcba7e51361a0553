// The console's views beyond the journey, in Chromium against the real stack: a wrong, an operator's
// and a revoked key each get their message; the editor's validator runs as you type and puts each
// error at its field, the JSON and the form stay in step, a version loads back, a new template; sites'
// origins and deletion; the webhook (events, a test with the receiver's status, the secret shown once,
// the deliveries with their next retry); leads' cursor paging and dates; a strict CSP. Screenshots:
// templates, webhook. (Keyboard, axe, 375 px, dark and languages: e2e-a11y.test.ts.)
import t from 'tap';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import {
  ADMIN_KEY,
  SCREENSHOTS,
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
  startReceiver,
  startStack,
  visitorChat,
} from './helper.js';

checkBuilt();
mkdirSync(SCREENSHOTS, { recursive: true });
const browser = await launchBrowser(t);
const stack = await startStack(t);
const gw = stack.gateway.url;
const consoleUrl = `${gw}/console`;
const { key } = await stack.tenantKey('acme');
const receiver = await startReceiver(t, 500);

// The receiver fails at first: the lead below waits in the outbox for its next retry.
// (No assertion out here: tap would end the root test, and run its teardowns, before the tests below.)
if ((await stack.admin('PUT', '/tenants/acme/webhook', { url: receiver.url, allowPrivateNetwork: true })).status !== 200)
  throw new Error('could not set the webhook');

const chat = (text: string) => visitorChat(gw, text);
await chat("Hi, I'm Ann Lee, ann@example.com");
await chat("Hello, I'm Bob Stone, bob@example.com");
const deep = focused;
const signedIn = (opts: Parameters<typeof newPage>[1] = {}) => signedInPage(browser, consoleUrl, key, opts);
const open = (p: Page, view: string) => openView(p, consoleUrl, view);
const leadId = ((await stack.admin('GET', '/tenants/acme/submissions')).json.items[0] as { id: string }).id;
const VIEWS = ['sites', 'templates', 'templates/lead-intake', 'leads', `leads/${leadId}`, 'webhook'];

t.test('a wrong key, the operator key and a revoked key each get a clear message; sign out', async (t) => {
  const p = await newPage(browser);
  await p.goto(consoleUrl);
  await signIn(p, 'sk_not_a_key_of_anyone');
  const alert = p.getByRole('alert');
  t.match(await alert.innerText(), /This key is unknown or has been revoked/, 'a wrong key');
  t.equal(await p.getByLabel('Tenant key').getAttribute('aria-invalid'), 'true', 'the field is marked invalid');
  t.equal(await p.evaluate(() => sessionStorage.getItem('chat-console:session')), null, 'nothing kept');
  await signIn(p, ADMIN_KEY);
  t.match(await alert.innerText(), /platform operator's key/, "the operator's key is not a tenant key");

  await signIn(p, key);
  await p.getByRole('heading', { level: 1, name: 'Sites' }).waitFor();
  await p.getByRole('button', { name: 'Sign out' }).click();
  await p.getByText('You are signed out.').waitFor();
  t.equal(await p.evaluate(() => sessionStorage.getItem('chat-console:session')), null, 'sign out forgets the key');

  const doomed = await stack.tenantKey('acme');
  await signIn(p, doomed.key);
  await p.getByRole('heading', { level: 1, name: 'Sites' }).waitFor();
  t.equal((await stack.admin('DELETE', `/tenants/acme/keys/${doomed.id}`)).status, 204, 'the operator revokes the key');
  await p.getByRole('link', { name: 'Leads' }).click();
  t.match(await p.getByRole('alert').innerText(), /no longer valid/, 'a revoked key signs the console out, saying why');
  t.equal(await p.evaluate(() => sessionStorage.getItem('chat-console:session')), null);
  t.same(p.problems, []);
  await p.close();
});

t.test('the editor: errors at their fields as you type; JSON and form in step; a version loads back; a new template', async (t) => {
  const p = await signedIn();
  await p.goto(`${consoleUrl}#/templates/lead-intake`);
  await p.locator('console-preview [data-state="ready"]').waitFor();
  const publish = p.getByRole('button', { name: 'Publish version 2' });
  t.equal(await publish.isDisabled(), true, 'nothing to publish yet');

  await p.getByLabel('Completion message').fill('Thanks {nobody}!');
  t.match(await p.locator('#complete-err').innerText(), /placeholder \{nobody\} names no field/, 'an unknown placeholder, at the completion message');
  t.equal(await p.getByLabel('Completion message').getAttribute('aria-invalid'), 'true');
  t.equal(await publish.isDisabled(), true, 'no publishing with problems');
  await p.locator('console-preview [data-state="stale"]').waitFor();
  t.pass('the preview keeps the last valid draft');
  await p.getByLabel('Completion message').fill('Thanks {name}! We will call you.');
  t.equal(await p.locator('#complete-err').count(), 0, 'fixed: the error goes');
  t.equal(await publish.isDisabled(), false, 'and the change can be published');

  await p.locator('#f3-minimum').fill('10');
  await p.locator('#f3-maximum').fill('5');
  t.match(await p.locator('#f3-minimum-err').innerText(), /minimum is greater than maximum/, 'min > max, at the minimum of budget');
  await p.locator('#f3-maximum').fill('');
  await p.locator('#f2-pattern').fill('(a)\\1');
  t.match(await p.locator('#f2-pattern-err').innerText(), /backtracking/, 'a backreference, at the pattern of phone');
  await p.locator('.problems button').filter({ hasText: '/fields/phone/pattern' }).click();
  t.equal((await deep(p)).tag, 'INPUT', 'a problem in the list takes you to its input');
  await p.locator('#f2-pattern').fill('');
  await p.locator('#f2-name').fill('email');
  t.match(await p.locator('#f2-name-err').innerText(), /Another field is named email/, 'a name taken by another field');
  t.ok(JSON.parse(await p.locator('#json').inputValue()).fields.phone, 'the draft keeps the old name meanwhile');
  await p.locator('#f2-name').fill('phone');

  const json = JSON.parse(await p.locator('#json').inputValue());
  t.same(json.complete, 'Thanks {name}! We will call you.', 'the form wrote the JSON');
  json.fields.phone.required = true;
  await p.locator('#json').fill(JSON.stringify(json, null, 2));
  t.equal(await p.locator('#f2-required').isChecked(), true, 'the JSON wrote the form');
  await p.locator('#json').fill('{"fields": ');
  t.match(await p.locator('#json-err').innerText(), /Not valid JSON/);
  t.equal(await p.locator('#f2-required').isChecked(), true, 'the form keeps the last good draft');
  await p.locator('#json').fill(JSON.stringify(json, null, 2));

  await publish.click();
  await p.getByText('Published version 2.').waitFor();
  await p.getByRole('button', { name: 'Load version 1 into the editor' }).click();
  await p.getByText('Version 1 loaded into the editor').waitFor();
  t.equal(await p.locator('#f2-required').isChecked(), false, 'version 1 is back in the form');
  t.equal(await p.getByLabel('Completion message').inputValue(), "Thanks {name}! We'll email {email} within a day.");
  t.equal(await p.getByRole('button', { name: 'Publish version 3' }).isDisabled(), false, 'and can be published again');

  await p.getByRole('link', { name: 'Templates' }).click();
  await p.getByLabel('Template id').fill('contact');
  await p.getByRole('button', { name: 'Create' }).click();
  await p.getByRole('heading', { name: 'Template contact' }).waitFor();
  t.match(await p.locator('.badges').innerText(), /Not published yet/);
  await p.getByRole('button', { name: 'Publish version 1' }).click();
  await p.getByText('Published version 1.').waitFor();
  await p.getByRole('link', { name: 'Templates' }).click();
  await p.getByRole('link', { name: 'contact' }).waitFor();
  t.same(
    await p
      .locator('console-templates tbody tr')
      .allInnerTexts()
      .then((r) => r.map((x) => x.split('\t').slice(0, 2))),
    [
      ['contact', '1'],
      ['lead-intake', '2'],
    ],
    'both templates, with their latest versions',
  );
  await p.screenshot({ path: screenshotPath('templates'), animations: 'disabled' });
  t.same(p.problems, []);
  await p.close();
});

t.test('sites: origins edited and checked; delete asks first', async (t) => {
  t.equal((await stack.admin('POST', '/tenants/acme/sites', { id: 'old-shop', origins: ['https://old.example'], template: 'lead-intake' })).status, 201);
  const p = await signedIn();
  const card = p.locator('article[data-site="acme-web"]');
  await card.getByRole('button', { name: 'Edit origins' }).click();
  const area = card.getByLabel('Origins (one per line)');
  await area.fill('https://acme.example\nhttps://acme.example/shop');
  await card.getByRole('button', { name: 'Save' }).click();
  t.match(await card.locator('.error').innerText(), /"https:\/\/acme\.example\/shop" is not an origin/, 'a path is refused at the field');
  await area.fill('https://acme.example\nhttps://www.acme.example');
  await card.getByRole('button', { name: 'Save' }).click();
  await p.getByText('Origins saved.').waitFor();
  t.same((await stack.admin('GET', '/tenants/acme/sites/acme-web')).json.origins, ['https://acme.example', 'https://www.acme.example']);

  const old = p.locator('article[data-site="old-shop"]');
  await old.getByRole('button', { name: 'Delete site' }).click();
  const dialog = p.getByRole('dialog', { name: 'Delete the site old-shop?' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  t.equal((await stack.admin('GET', '/tenants/acme/sites/old-shop')).status, 200, 'cancelled: still there');
  await old.getByRole('button', { name: 'Delete site' }).click();
  await dialog.getByRole('button', { name: 'Delete site' }).click();
  await p.getByText('Site old-shop deleted.').waitFor();
  t.equal((await stack.admin('GET', '/tenants/acme/sites/old-shop')).status, 404, 'deleted');
  t.same(p.problems, []);
  await p.close();
});

t.test("webhook: events, a test with the receiver's answer, the secret once, deliveries with their next retry", async (t) => {
  // The leads' completions were tried once against the failing receiver.
  for (let i = 0; i < 100; i++) {
    const items = (await stack.admin('GET', '/tenants/acme/webhook/deliveries')).json.items as Array<{ attempts: number }>;
    if (items.length >= 2 && items.every((d) => d.attempts >= 1)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const p = await signedIn();
  await p.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gw });
  await p.getByRole('link', { name: 'Webhook' }).click();
  t.equal(await p.getByLabel('URL').inputValue(), receiver.url, 'the URL');
  const rows = p.locator('table.deliveries tbody tr');
  await rows.first().waitFor();
  const first = await rows.first().innerText();
  t.match(first, /session\.completed/);
  t.match(first, /Pending/, 'waiting for a retry');
  t.match(first, /HTTP 500/, "with the receiver's last answer");
  t.match(await rows.first().locator('td[data-label="Next retry"]').innerText(), /\d:\d\d/, 'and when the next attempt is due');

  await p.getByRole('button', { name: 'Send a test' }).click();
  await p.getByText('Not delivered: HTTP 500.').waitFor();
  t.pass('a failing receiver, said so');
  receiver.setStatus(204);
  await p.getByRole('button', { name: 'Send a test' }).click();
  await p.getByText('Delivered: your receiver answered 204.').waitFor();
  const ping = receiver.received.at(-1)!;
  t.equal(ping.body.type, 'ping', 'the receiver got a signed ping');
  t.ok(ping.headers['webhook-signature'], 'signed');

  await p.getByLabel('A visitor left before the end (session.abandoned)').uncheck();
  await p.getByRole('button', { name: 'Save' }).click();
  await p.getByText('Webhook saved.').waitFor();
  t.same((await stack.admin('GET', '/tenants/acme/webhook')).json.events, ['session.completed', 'session.updated'], 'the events saved');
  t.equal(await p.locator('.secret').count(), 0, 'saving an existing webhook shows no secret');

  await p.getByRole('button', { name: 'Rotate secret' }).click();
  await p.getByRole('dialog', { name: 'Rotate the signing secret?' }).getByRole('button', { name: 'Rotate' }).click();
  const secret = await p.locator('.secret pre').innerText();
  t.match(secret, /^whsec_/, 'the new secret, shown');
  await p.getByRole('button', { name: 'Copy secret' }).click();
  t.equal(await p.evaluate(() => navigator.clipboard.readText()), secret, 'copied');
  await p.getByRole('button', { name: 'Refresh' }).click();
  await p.screenshot({ path: screenshotPath('webhook'), animations: 'disabled', fullPage: true });
  await p.getByRole('button', { name: 'Done' }).click();
  t.equal(await p.locator('.secret').count(), 0, 'dismissed');
  await p.reload();
  await p.getByLabel('URL').waitFor();
  t.equal(await p.locator('.secret').count(), 0, 'and never shown again');

  await p.getByLabel('URL').fill('ftp://hooks.example/leads');
  await p.getByRole('button', { name: 'Save' }).click();
  t.match(await p.locator('#url-err').innerText(), /not allowed/, "the server's refusal, at the URL");
  t.same(p.problems, []);
  await p.close();
});

t.test('leads: cursor paging, newest first, and a date range', async (t) => {
  const firsts = ['Ada', 'Ben', 'Cleo', 'Dan', 'Eve', 'Finn', 'Gia'];
  // Version 2 (published above) requires the phone too.
  for (const last of ['Moss', 'Park', 'Reed'])
    await Promise.all(firsts.map((first, i) => chat(`Hi, I'm ${first} ${last}, ${first.toLowerCase()}.${last.toLowerCase()}@example.com, +1 415 555 01${i}0`)));
  const p = await signedIn();
  await p.getByRole('link', { name: 'Leads' }).click();
  const rows = p.locator('table.leads tbody tr');
  await rows.first().waitFor();
  t.equal(await rows.count(), 20, 'a page holds 20');
  t.match(await rows.first().innerText(), /Reed/, 'the newest first');
  t.equal(await p.getByRole('button', { name: '← Newer' }).isDisabled(), true, 'nothing newer than the first page');
  await p.getByRole('button', { name: 'Older →' }).click();
  await p.getByText('Page 2').waitFor();
  await rows.first().waitFor();
  const second = await rows.allInnerTexts();
  t.equal(second.length, 3, 'the rest on page 2');
  t.match(second.at(-1), /Ann Lee/, 'ending with the oldest');
  t.equal(await p.getByRole('button', { name: 'Older →' }).isDisabled(), true, 'the last page');
  await p.getByRole('button', { name: '← Newer' }).click();
  await p.getByText('Page 1').waitFor();
  await rows.nth(19).waitFor();
  t.equal(await rows.count(), 20, 'back to page 1');

  const today = await p.evaluate(() => new Date().toLocaleDateString('en-CA'));
  const yesterday = await p.evaluate(() => new Date(Date.now() - 86_400_000).toLocaleDateString('en-CA'));
  await p.getByLabel('To').fill(yesterday);
  await p.getByText('No leads match.').waitFor();
  t.pass('none until yesterday');
  await p.getByLabel('To').fill(today);
  await p.getByLabel('From').fill(today);
  await rows.nth(19).waitFor();
  t.equal(await p.getByRole('button', { name: 'Older →' }).isDisabled(), false, 'all of today, over two pages');
  t.same(p.problems, []);
  await p.close();
});

// The console page runs two Lits (its own and the widget's, for the preview), each making Trusted
// Types' 'lit-html' policy: hence 'allow-duplicates'.
t.test('under a strict CSP (no eval, no inline style, Trusted Types): every view, the validator, the preview', async (t) => {
  const CSP = `default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; require-trusted-types-for 'script'; trusted-types lit-html 'allow-duplicates'`;
  const p = await newPage(browser);
  await p.route(consoleUrl, async (route) => {
    const res = await route.fetch();
    await route.fulfill({ response: res, headers: { ...res.headers(), 'content-security-policy': CSP } });
  });
  // Recorded from outside the page's CSP (an init script through the browser protocol).
  await p.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`), true);
  });
  const res = await p.goto(consoleUrl);
  t.equal(res?.headers()['content-security-policy'], CSP, 'the console is served with the policy');
  await signIn(p, key);
  await p.getByRole('heading', { level: 1, name: 'Sites' }).waitFor();
  for (const view of VIEWS) await open(p, view);
  await open(p, 'templates/lead-intake');
  await p.getByLabel('Completion message').fill('Thanks {nobody}!');
  t.match(await p.locator('#complete-err').innerText(), /names no field/, 'the shared validator runs (precompiled: no eval)');
  await p.getByLabel('Completion message').fill('Thanks {name}!');
  await p.locator('console-preview [data-state="ready"]').waitFor();
  await say(p, 'console-preview', "Hi, I'm Kim Park");
  t.match(await reply(p, 'console-preview', 1), /Kim/, 'the preview widget chats');
  t.equal(await p.evaluate(() => document.querySelectorAll('[style]').length), 0, 'no style attribute in the page');
  t.same(await p.evaluate(() => (window as unknown as { __csp: string[] }).__csp), [], 'no securitypolicyviolation event');
  t.same(p.problems, [], 'no console error');
  await p.close();
});
