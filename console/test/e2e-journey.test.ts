// The console's must-show journey, in Chromium against the real stack: sign in with a tenant key;
// create a site for the customer's origin and copy its snippet; add a required `company` field in
// the form editor; the live preview (the real widget on a preview token) asks for it; publish; a
// visitor on the site's origin completes a chat; the lead appears with `company`, the preview's
// conversation never does; the CSV holds it; the detail view shows data, context and conversation;
// erase removes it. Screenshots of the views go to docs/screenshots/console-*.png.
import t from 'tap';
import { mkdirSync, readFileSync } from 'node:fs';
import { SCREENSHOTS, checkBuilt, hostPage, launchBrowser, newPage, reply, say, screenshotPath, signIn, startHost, startStack } from './helper.js';

checkBuilt();
mkdirSync(SCREENSHOTS, { recursive: true });
const browser = await launchBrowser(t);
const host = await startHost(t);
const stack = await startStack(t);
const { key } = await stack.tenantKey('acme');
const consoleUrl = `${stack.gateway.url}/console`;
const p = await newPage(browser);
await p.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.gateway.url });
/** A screenshot of the whole page, or of the viewport (where sticky parts would repeat). */
const shot = async (name: string, fullPage = true) => {
  await p.mouse.move(0, 0);
  await p.screenshot({ path: screenshotPath(name), animations: 'disabled', fullPage });
};
let snippet = '';

t.test('sign in with a tenant key: the tenant, kept for the tab', async (t) => {
  const res = await fetch(consoleUrl);
  t.equal(res.status, 200);
  t.match(res.headers.get('content-type'), /^text\/html/, 'the gateway serves the console page');
  await p.goto(consoleUrl);
  await p.getByRole('heading', { name: 'Sign in' }).waitFor();
  await shot('sign-in');
  await signIn(p, key);
  await p.getByRole('heading', { name: 'Sites', level: 1 }).waitFor();
  t.match(await p.locator('chat-console header').innerText(), /Acme Solar/, 'the tenant is named in the header');
  t.same(
    await p.evaluate(() => JSON.parse(sessionStorage.getItem('chat-console:session') ?? 'null')),
    { key, tenantId: 'acme' },
    'the key and its tenant, in sessionStorage',
  );
  await p.reload();
  await p.getByRole('heading', { name: 'Sites', level: 1 }).waitFor();
  t.pass('a reload keeps the session');
});

t.test('create a site for the customer origin; its embed snippet copies', async (t) => {
  await p.getByLabel('Site id').fill('globex-web');
  await p.getByLabel('Origins (one per line)').fill(host.origin);
  await p.getByLabel('Template').selectOption('lead-intake');
  await p.getByRole('button', { name: 'Add a site' }).click();
  await p.getByRole('heading', { name: 'globex-web' }).waitFor();
  await p.getByText('Site globex-web added.').waitFor();
  const site = (await stack.admin('GET', '/tenants/acme/sites/globex-web')).json;
  t.same(site.origins, [host.origin], 'the site is stored with the host origin');
  const card = p.locator('console-sites article[data-site="globex-web"]');
  snippet = await card.locator('pre.snippet').innerText();
  t.equal(
    snippet,
    `<script type="module" src="${stack.gateway.url}/widget.js"></script>\n<chat-widget site-key="${site.siteKey}"></chat-widget>`,
    'the snippet: the script and the tag with the site key',
  );
  await card.getByRole('button', { name: 'Copy snippet' }).click();
  await card.getByText('Copied').waitFor();
  t.equal(await p.evaluate(() => navigator.clipboard.readText()), snippet, 'the copy button put the snippet on the clipboard');
  await shot('sites');
});

t.test('add a required company field in the form; the JSON follows; the preview asks for it', async (t) => {
  await p.getByRole('link', { name: 'Templates' }).click();
  await p.getByRole('heading', { level: 1, name: 'Templates' }).waitFor();
  await p.getByRole('link', { name: 'lead-intake' }).click();
  await p.getByRole('heading', { name: 'Template lead-intake' }).waitFor();
  const preview = p.locator('console-preview');
  await preview.locator('[data-state="ready"]').waitFor();
  const firstWidget = await preview.locator('chat-widget').getAttribute('data-preview');

  await p.getByRole('button', { name: '+ Add a field' }).click();
  const name = p.locator('#f6-name');
  t.ok(await name.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement), "the new field's name has the focus");
  await name.fill('company');
  await p.locator('#f6-required').check();
  await p.locator('#f6-description').fill('company name');
  const json = JSON.parse(await p.locator('#json').inputValue());
  t.same(json.fields.company, { type: 'string', required: true, description: 'company name' }, 'the JSON is in step with the form');
  t.same(Object.keys(json.fields).at(-1), 'company', 'added last');
  t.match(await p.locator('.problems').innerText(), /No problems found/);

  await preview.locator('[data-state="ready"]').waitFor();
  const widget = preview.locator('chat-widget');
  t.not(await widget.getAttribute('data-preview'), firstWidget, 'a changed draft: a new preview widget (a new preview session)');
  await say(p, 'console-preview', "Hi, I'm Pat Preview, pat@example.com");
  const asked = await reply(p, 'console-preview', 1);
  t.match(asked, /company/i, `the preview asks for the new field: "${asked}"`);
  await say(p, 'console-preview', 'Preview Industries');
  t.match(await reply(p, 'console-preview', 2), /Thanks Pat Preview!/, 'the draft completes in the preview');
  await p.locator('#f6-name').scrollIntoViewIfNeeded();
  await p.evaluate(() => window.scrollBy(0, 260));
  await shot('template', false);
});

t.test('publish: version 2, and the history lists every version', async (t) => {
  await p.getByRole('button', { name: 'Publish version 2' }).click();
  await p.getByText('Published version 2.').waitFor();
  await p.locator('.versions li[data-version="1"] .muted').filter({ hasText: 'Fields:' }).waitFor();
  const versions = await p.locator('.versions li').evaluateAll((lis) => lis.map((li) => li.querySelector('p')?.textContent?.trim()));
  t.same(
    versions,
    ['Fields: name*, email*, phone, budget, roof, start, company*', 'Fields: name*, email*, phone, budget, roof, start'],
    'newest first, each with its fields',
  );
  t.match(
    (await stack.admin('GET', '/tenants/acme/templates/lead-intake')).json,
    { version: 2, fields: { company: { required: true } } },
    'the server has version 2',
  );
  t.equal(await p.getByRole('button', { name: 'Publish version 3' }).isDisabled(), true, 'nothing left to publish');
});

t.test("a visitor on the site's origin completes a chat", async (t) => {
  host.page('/', hostPage(snippet));
  const v = await newPage(browser);
  await v.goto(`${host.origin}/?utm_source=console-test`);
  await v.getByRole('button', { name: 'Open chat' }).click();
  await say(v, 'body', "Hi, I'm Ann Lee, ann@example.com");
  t.match(await reply(v, 'body', 1), /company/i, 'the published version asks for the company');
  await say(v, 'body', 'Globex Corporation');
  t.match(await reply(v, 'body', 2), /Thanks Ann Lee!/, 'complete');
  t.same(v.problems, []);
  await v.close();
});

t.test('the lead is in the table with company filled; the preview conversation is not', async (t) => {
  await p.getByRole('link', { name: 'Leads' }).click();
  await p.getByRole('heading', { name: 'Leads', level: 1 }).waitFor();
  const rows = p.locator('table.leads tbody tr');
  await rows.first().waitFor();
  t.equal(await rows.count(), 1, 'one lead');
  const text = await rows.first().innerText();
  t.match(text, /company: Globex Corporation/, 'with company filled');
  t.match(text, /name: Ann Lee/);
  t.match(text, /globex-web/, 'from the new site');
  t.notMatch(await p.locator('console-leads').innerText(), /Pat Preview/, 'the preview conversation is no lead');
  const all = (await stack.admin('GET', '/tenants/acme/submissions?limit=500')).json.items as Array<{ data: Record<string, unknown> }>;
  t.same(
    all.map((s) => s.data.name),
    ['Ann Lee'],
    'nor anywhere in the API',
  );

  await p.getByLabel('Status').selectOption('abandoned');
  await p.getByText('No leads match.').waitFor();
  await p.getByLabel('Status').selectOption('complete');
  await p.getByLabel('Site').selectOption('globex-web');
  await rows.first().waitFor();
  t.equal(await rows.count(), 1, 'filtered by status and site, it is there');
  await p.getByRole('button', { name: 'Clear filters' }).click();
  await rows.first().waitFor();
  await shot('leads');
});

t.test('the CSV and NDJSON downloads contain it', async (t) => {
  const [csv] = await Promise.all([p.waitForEvent('download'), p.getByRole('button', { name: 'Download CSV' }).click()]);
  t.match(csv.suggestedFilename(), /^acme-leads-\d{4}-\d\d-\d\d\.csv$/);
  const text = readFileSync((await csv.path())!, 'utf8');
  const [header, ...lines] = text.trim().split('\r\n');
  t.ok(header!.split(',').includes('company'), 'a company column');
  t.equal(lines.length, 1, 'one lead');
  t.match(lines[0], /Ann Lee,ann@example\.com,.*Globex Corporation/, 'its values');
  const [nd] = await Promise.all([p.waitForEvent('download'), p.getByRole('button', { name: 'Download NDJSON' }).click()]);
  const items = readFileSync((await nd.path())!, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  t.match(items, [{ siteId: 'globex-web', status: 'complete', data: { name: 'Ann Lee', email: 'ann@example.com', company: 'Globex Corporation' } }]);
});

t.test('the detail view: data, visitor context, conversation', async (t) => {
  await p.locator('table.leads tbody tr a').first().click();
  await p.getByRole('heading', { name: 'Data' }).waitFor();
  t.equal(await p.locator('dd[data-field="company"]').innerText(), 'Globex Corporation');
  t.equal(await p.locator('dd[data-field="email"]').innerText(), 'ann@example.com');
  const context = await p.locator('section[aria-labelledby="context-title"]').innerText();
  t.match(context, `${host.origin}/?utm_source=console-test`, 'the page the visitor was on');
  const transcript = await p.locator('.transcript li').allInnerTexts();
  t.equal(transcript.length, 4, 'two turns');
  t.match(transcript[0], /Visitor\s+Hi, I'm Ann Lee/);
  t.match(transcript[1], /Assistant\s+.*company/is);
  t.match(transcript[2], /Globex Corporation/);
  t.match(await p.locator('section[aria-labelledby="details-title"]').innerText(), /lead-intake · Version 2/, 'the version it ran');
  await shot('lead');
});

t.test('erase removes it, after a confirmation', async (t) => {
  const id = new URL(p.url()).hash.split('/').pop()!;
  await p.getByRole('button', { name: 'Erase lead' }).click();
  const dialog = p.getByRole('dialog', { name: 'Erase this lead?' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  t.equal((await stack.admin('GET', `/tenants/acme/submissions/${id}`)).status, 200, 'cancel keeps it');
  await p.getByRole('button', { name: 'Erase lead' }).click();
  await dialog.getByRole('button', { name: 'Erase' }).click();
  await p.getByText('Lead erased.').waitFor();
  await p.getByText('No leads match.').waitFor();
  t.equal((await stack.admin('GET', `/tenants/acme/submissions/${id}`)).status, 404, 'gone from the API');
  t.same(p.problems, [], 'no script errors in the console');
});
