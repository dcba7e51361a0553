/**
 * Shared set-up for the widget's browser tests: Debian's Chromium through playwright-core, a
 * host page on its own origin (a tiny node:http server), and the real stack behind it (Redis,
 * engine, gateway from scripts/testkit) with a tenants file that allows the host's origin.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { freePort, startRedis, startService, type ServiceProcess } from '../../scripts/testkit/index.js';

type Teardown = { teardown(fn: () => unknown): void };

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BUNDLE = join(ROOT, 'widget/dist/widget.js');
export const SCREENSHOTS = join(ROOT, 'docs/screenshots');
export const SITE_KEY = 'pk_acme_web';

export function bundle(): string {
  if (!existsSync(BUNDLE)) throw new Error('widget/dist/widget.js is missing: run `npm run build -w widget` first');
  return readFileSync(BUNDLE, 'utf8');
}

export async function launchBrowser(t: Teardown): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t.teardown(() => browser.close());
  return browser;
}

/** A page that records its console errors and uncaught exceptions (a test can assert none happened). */
export async function newPage(browser: Browser, opts: BrowserContextOptions = {}): Promise<Page & { problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...opts });
  const page = (await context.newPage()) as Page & { problems: string[] };
  page.problems = [];
  // The host page listens to the widget's events on document, as a customer's page would.
  await page.addInitScript(() => {
    const w = window as unknown as { __events: unknown[] };
    w.__events = [];
    for (const type of ['chat-widget-open', 'chat-widget-close', 'chat-widget-message', 'chat-widget-complete']) {
      document.addEventListener(type, (e) => w.__events.push({ type, detail: (e as CustomEvent).detail }));
    }
  });
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // Failed requests are the network's story (tests assert on them directly); scripts' errors are ours.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) page.problems.push(`console: ${m.text()}`);
  });
  return page;
}

export interface HostServer {
  /** e.g. http://localhost:41234: a different origin (and site) from the gateway's 127.0.0.1. */
  origin: string;
  /** Serve `html` at `path`. */
  page(path: string, html: string): void;
}

/** The customer's website: plain pages on their own origin; `/widget.js` serves the local bundle. */
export async function startHost(t: Teardown): Promise<HostServer> {
  const port = await freePort();
  const pages = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/widget.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(bundle());
      return;
    }
    const html = pages.get(path);
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

/** A host page: some site content and the one-tag embed. */
export function hostPage(opts: { script: string; attrs?: string; lang?: string; body?: string }): string {
  return `<!doctype html><html lang="${opts.lang ?? 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Host site</title>
<script type="module" src="${opts.script}"></script>
<style>body{font-family:system-ui,sans-serif;margin:0;padding:40px;background:#f6f7fb;color:#1f2937}
h1{margin-top:0}.hero{max-width:640px;line-height:1.5}</style></head>
<body><main class="hero"><h1>Sunny Roofs Ltd</h1><p>We install solar panels across the county.
Ask our assistant for a quote.</p></main>${opts.body ?? ''}
<chat-widget ${opts.attrs ?? `site-key="${SITE_KEY}" show-progress`}></chat-widget></body></html>`;
}

export interface Stack {
  gateway: ServiceProcess;
  engine: ServiceProcess;
  redisUrl: string;
  /** Start the engine again on its port, after a test killed it. */
  restartEngine(): Promise<ServiceProcess>;
}

export const NOTES_SITE_KEY = 'pk_widget_notes';

/**
 * The example tenants with `origin` added to every site, plus a test tenant whose template has a
 * free-text field echoed by its completion message: the way to make the real engine repeat
 * what a visitor typed (the safety test's payload). Written to a temp file for TENANTS_FILE.
 */
export function tenantsFileFor(...origins: string[]): string {
  const origin = origins[0] ?? '';
  const example = JSON.parse(readFileSync(join(ROOT, 'gateway/tenants.example.json'), 'utf8')) as {
    tenants: Array<Record<string, unknown> & { limits?: unknown; sites: Array<Record<string, unknown> & { origins: string[] }> }>;
  };
  for (const tenant of example.tenants) for (const site of tenant.sites) site.origins.push(...origins);
  example.tenants.push({
    id: 'widget-test',
    name: 'Widget Test',
    limits: example.tenants[0]?.limits,
    templates: {
      notes: {
        id: 'notes',
        version: 1,
        greeting: 'Hello!',
        fields: {
          name: { type: 'string', description: 'full name', required: true },
          notes: { type: 'string', description: 'message for us', required: true },
        },
        complete: 'Thanks {name}! You wrote: {notes}',
      },
    },
    sites: [{ id: 'notes-web', siteKey: NOTES_SITE_KEY, origins: [origin], template: 'notes' }],
  });
  const file = join(mkdtempSync(join(tmpdir(), 'widget-tenants-')), 'tenants.json');
  writeFileSync(file, JSON.stringify(example, null, 2));
  return file;
}

/**
 * Redis, engine and gateway as real processes; `allowOrigin` (and the gateway's own origin, so
 * that its demo page at / can chat) is added to the example sites.
 */
export async function startStack(
  t: Teardown,
  opts: { allowOrigin: string; gatewayEnv?: Record<string, string>; engineEnv?: Record<string, string> },
): Promise<Stack> {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const engineKey = 'widget-test-engine-key-0123456789';
  const engineEnv = { REDIS_URL: redis.url, ENGINE_KEY: engineKey, EMBEDDED_TOKEN_DELAY_MS: '20', ...opts.engineEnv };
  let engine = await startService('engine', { env: engineEnv });
  t.teardown(() => engine.kill());
  const gatewayPort = await freePort();
  const gateway = await startService('gateway', {
    port: gatewayPort,
    env: {
      REDIS_URL: redis.url,
      ENGINE_URL: engine.url,
      ENGINE_KEY: engineKey,
      JWT_SECRET: 'widget-test-jwt-secret-0123456789abcdef',
      TENANTS_FILE: tenantsFileFor(opts.allowOrigin, `http://127.0.0.1:${gatewayPort}`),
      ...opts.gatewayEnv,
    },
  });
  t.teardown(() => gateway.kill());
  return {
    gateway,
    get engine() {
      return engine;
    },
    redisUrl: redis.url,
    async restartEngine() {
      engine = await startService('engine', { env: engineEnv, port: engine.port });
      return engine;
    },
  };
}

/** Type into the widget's composer and press Enter, like a visitor. */
export async function say(page: Page, text: string): Promise<void> {
  const input = page.locator('chat-widget textarea');
  await input.fill(text);
  await input.press('Enter');
}

/** The host page's record of the widget's events (see newPage). */
export interface RecordedEvent {
  type: string;
  detail: { role?: string; text?: string; data?: Record<string, unknown>; sessionId?: string | null; open?: boolean };
}

export function events(page: Page): Promise<RecordedEvent[]> {
  return page.evaluate(() => (window as unknown as { __events: RecordedEvent[] }).__events);
}

/** Wait until the widget has announced `n` finished assistant replies; return the n-th. */
export async function waitForReply(page: Page, n: number, timeout = 20_000): Promise<string> {
  await page.waitForFunction(
    (k) =>
      (window as unknown as { __events: RecordedEvent[] }).__events.filter((e) => e.type === 'chat-widget-message' && e.detail.role === 'assistant').length >=
      k,
    n,
    { timeout },
  );
  const replies = (await events(page)).filter((e) => e.type === 'chat-widget-message' && e.detail.role === 'assistant');
  return replies[n - 1]?.detail.text ?? '';
}

export function screenshotPath(name: string): string {
  return join(SCREENSHOTS, `${name}.png`);
}
