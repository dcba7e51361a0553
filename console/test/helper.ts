/**
 * Shared set-up for the console's browser tests: Debian's Chromium through playwright-core, the
 * real stack (Redis, engine, gateway from scripts/testkit) with the admin API on and the example
 * tenants seeded, a tenant key made through the admin API, a customer's website on another origin
 * (a tiny node:http server) and a webhook receiver.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { freePort, startRedis, startService, type ServiceProcess } from '../../scripts/testkit/index.js';

type Teardown = { teardown(fn: () => unknown): void };

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCREENSHOTS = join(ROOT, 'docs/screenshots');
export const ADMIN_KEY = 'console-test-admin-key-0123456789abcdef';

export const screenshotPath = (name: string) => join(SCREENSHOTS, `console-${name}.png`);

export function checkBuilt(): void {
  for (const [file, ws] of [
    ['console/dist/console.js', 'console'],
    ['widget/dist/widget.js', 'widget'],
  ] as const)
    if (!existsSync(join(ROOT, file))) throw new Error(`${file} is missing: run \`npm run build -w ${ws}\` first`);
}

export async function launchBrowser(t: Teardown): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t.teardown(() => browser.close());
  return browser;
}

export type TestPage = Page & { problems: string[] };

/** A page that records its script errors (a test asserts none happened). */
export async function newPage(browser: Browser, opts: BrowserContextOptions = {}): Promise<TestPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, ...opts });
  const page = (await context.newPage()) as TestPage;
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // Failed requests (a 401 for a wrong key, a 404 while probing) are the network's story; scripts' errors are ours.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) page.problems.push(`console: ${m.text()}`);
  });
  return page;
}

export interface Stack {
  gateway: ServiceProcess;
  /** Call the admin API with the operator's key (test set-up only; the console uses the tenant key). */
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  /** A new tenant key for `tenant`, made by the operator. */
  tenantKey(tenant: string): Promise<{ id: string; key: string }>;
}

export async function startStack(t: Teardown, opts: { engineEnv?: Record<string, string> } = {}): Promise<Stack> {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const engineKey = 'console-test-engine-key-0123456789';
  const engine = await startService('engine', { env: { REDIS_URL: redis.url, ENGINE_KEY: engineKey, EMBEDDED_TOKEN_DELAY_MS: '5', ...opts.engineEnv } });
  t.teardown(() => engine.kill());
  const gateway = await startService('gateway', {
    port: await freePort(),
    env: {
      REDIS_URL: redis.url,
      ENGINE_URL: engine.url,
      ENGINE_KEY: engineKey,
      JWT_SECRET: 'console-test-jwt-secret-0123456789abcdef',
      ADMIN_KEY,
      TENANTS_FILE: join(ROOT, 'gateway/tenants.example.json'),
      // A lead's later changes are sent soon, so a test sees the deliveries settle.
      WEBHOOK_UPDATE_DEBOUNCE_MS: '200',
      // Every visitor of these tests is on 127.0.0.1: token minting is limited per address.
      RATE_TOKEN_PER_MINUTE: '1000',
    },
  });
  t.teardown(() => gateway.kill());
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${gateway.url}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
  return {
    gateway,
    admin,
    async tenantKey(tenant) {
      const r = await admin('POST', `/tenants/${tenant}/keys`);
      if (r.status !== 201) throw new Error(`could not make a tenant key: ${JSON.stringify(r.json)}`);
      return r.json;
    },
  };
}

export interface HostServer {
  /** e.g. http://localhost:41234: another origin (and site) than the gateway's 127.0.0.1. */
  origin: string;
  page(path: string, html: string): void;
}

/** The customer's website: plain pages on their own origin. */
export async function startHost(t: Teardown): Promise<HostServer> {
  const port = await freePort();
  const pages = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const html = pages.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (html === undefined) res.writeHead(404).end('not found');
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  t.teardown(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { origin: `http://localhost:${port}`, page: (p, html) => pages.set(p, html) };
}

/** A customer's page with an embed snippet pasted into it, as the console gave it. */
export const hostPage = (snippet: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Globex Roofing</title></head>
<body><main><h1>Globex Roofing</h1><p>Ask our assistant for a quote.</p></main>
${snippet}
</body></html>`;

export interface Receiver {
  url: string;
  received: Array<{ headers: IncomingMessage['headers']; body: any }>;
  /** What it answers from now on. */
  setStatus(status: number): void;
}

/** A webhook receiver on this machine, answering `status`. */
export async function startReceiver(t: Teardown, status = 204): Promise<Receiver> {
  const port = await freePort();
  const received: Receiver['received'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ headers: req.headers, body: body ? JSON.parse(body) : null });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  t.teardown(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { url: `http://127.0.0.1:${port}/hooks/leads`, received, setStatus: (s) => (status = s) };
}

const axeSource = () => readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

export interface AxeFinding {
  id: string;
  impact: string | null;
  nodes: string[];
}

/** axe-core on the whole page (through every shadow root): the violations, with where they are. */
export async function axe(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource() });
  return page.evaluate(async () => {
    const a = (
      window as unknown as {
        axe: { run(ctx: unknown, o: unknown): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }> }> };
      }
    ).axe;
    const r = await a.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
}

/** Sign in through the form, as a person would. */
export async function signIn(page: Page, key: string): Promise<void> {
  await page.getByLabel('Tenant key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Type into the preview or host widget and press Enter. */
export async function say(page: Page, scope: string, text: string): Promise<void> {
  const input = page.locator(`${scope} chat-widget textarea`);
  await input.fill(text);
  await input.press('Enter');
}

/** The text of the n-th (1-based) finished assistant reply in the widget under `scope`. */
export async function reply(page: Page, scope: string, n: number, timeout = 20_000): Promise<string> {
  // A reply is finished when the typing indicator is gone and the stop button has become the send button again.
  const msg = page.locator(`${scope} chat-widget .msg.assistant:not(.welcome)`).nth(n - 1);
  await msg.waitFor({ timeout });
  await page.locator(`${scope} chat-widget [part="send-button"]`).waitFor({ timeout });
  return msg.innerText();
}

/** A visitor of the demo site (pk_acme_web, from its origin) sends one message over HTTP, as the widget does. */
export async function visitorChat(gatewayUrl: string, text: string): Promise<void> {
  const origin = 'https://acme.example';
  const res = await fetch(`${gatewayUrl}/v1/token`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ siteKey: 'pk_acme_web' }),
  });
  const { token } = (await res.json()) as { token: string };
  const chat = await fetch(`${gatewayUrl}/v1/chat`, {
    method: 'POST',
    headers: { origin, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message: { id: 'm1', text } }),
  });
  await chat.text();
}

/** The focused element, looking through shadow roots: its tag, its text and its outline style. */
export const focused = (p: Page) =>
  p.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return { tag: el?.tagName ?? '', text: (el?.textContent ?? '').trim(), outline: el ? getComputedStyle(el).outlineStyle : '' };
  });

/** A new page, signed in with `key`, on the sites view. */
export async function signedInPage(browser: Browser, consoleUrl: string, key: string, opts: BrowserContextOptions = {}): Promise<TestPage> {
  const p = await newPage(browser, opts);
  await p.goto(consoleUrl);
  await signIn(p, key);
  await p.getByRole('heading', { level: 1, name: 'Sites' }).waitFor();
  return p;
}

/** Open a view by its hash and wait until it shows what it loaded (no "Loading…", the preview started). */
export async function openView(p: Page, consoleUrl: string, view: string): Promise<void> {
  await p.goto(`${consoleUrl}#/${view}`);
  await p.locator('main h1').first().waitFor();
  await p.waitForFunction(() => {
    const text = (el: Element | null | undefined): string =>
      el ? [...(el.shadowRoot?.children ?? []), ...el.children].map((c) => (c.textContent ?? '') + text(c)).join('') : '';
    return !/Loading…|Starting the preview/.test(text(document.querySelector('chat-console')));
  });
}
