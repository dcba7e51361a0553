/**
 * The widget under a strict Content-Security-Policy on the customer's page: scripts, requests and
 * styles only from the gateway, no inline style anywhere, Trusted Types enforced with only Lit's
 * policy allowed. A full chat turn (with the progress bar moving) must work and no CSP violation
 * may be reported (securitypolicyviolation events, console errors). Real Chromium, real stack.
 */
import { createServer } from 'node:http';
import t from 'tap';
import { freePort } from '../../scripts/testkit/index.js';
import { launchBrowser, newPage, say, SITE_KEY, startStack, waitForReply } from './helper.js';

const hostPort = await freePort();
const hostOrigin = `http://localhost:${hostPort}`;
const stack = await startStack(t, { allowOrigin: hostOrigin });
const gw = stack.gateway.url;
const CSP = `default-src 'none'; script-src ${gw}; connect-src ${gw}; style-src ${gw}; require-trusted-types-for 'script'; trusted-types lit-html`;

// The customer's page: no inline script or style of its own, the widget from the gateway.
const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Strict host</title>
<script type="module" src="${gw}/widget.js"></script></head>
<body><h1>Strict Roofs Ltd</h1><chat-widget site-key="${SITE_KEY}" api="${gw}" show-progress open></chat-widget></body></html>`;
const server = createServer((req, res) => {
  if (req.url !== '/') return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP, 'cache-control': 'no-store' }).end(page);
});
await new Promise<void>((r) => server.listen(hostPort, '127.0.0.1', r));
t.teardown(
  () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
);

t.test('a full turn under the strict CSP, no violation', async (t) => {
  const browser = await launchBrowser(t);
  const p = await newPage(browser);
  // Recorded from outside the page's CSP (an init script through the browser protocol).
  await p.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`), true);
  });
  const res = await p.goto(hostOrigin);
  t.equal(res?.headers()['content-security-policy'], CSP, 'the page is served with the policy');
  await p.locator('chat-widget textarea').waitFor({ timeout: 15_000 });
  await say(p, "Hi, I'm Ann Lee, ann@example.com");
  const reply = await waitForReply(p, 2).catch(() => waitForReply(p, 1));
  t.match(reply, /Ann Lee/, `the turn completed: ${reply}`);
  const state = await p.evaluate(() => {
    const root = document.querySelector('chat-widget')!.shadowRoot!;
    const bar = root.querySelector('.bar') as HTMLProgressElement | null;
    return {
      styled: root.querySelectorAll('[style]').length,
      bar: bar ? { tag: bar.tagName, value: bar.value, max: bar.max } : null,
      checked: root.querySelectorAll('.progress li.done').length,
    };
  });
  t.equal(state.styled, 0, 'no element in the widget has a style attribute');
  t.ok(state.checked >= 2, `the progress list moved (${state.checked} fields done)`);
  t.same(state.bar, { tag: 'PROGRESS', value: state.checked, max: state.bar?.max }, 'the bar is a <progress> at the count');
  const violations = await p.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  t.same(violations, [], 'no securitypolicyviolation event');
  t.same(
    p.problems.filter((m) => /Content Security Policy|Trusted Type|Refused/i.test(m)),
    [],
    'no CSP error in the console',
  );
  t.same(p.problems, [], 'no console error at all');
});
