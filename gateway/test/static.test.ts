/** /widget.js and the demo page are served when the widget is built, with caching headers; health endpoints. */
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testApp } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-static-'));
writeFileSync(join(dir, 'widget.js'), 'customElements.define("chat-widget", class extends HTMLElement {});');
const { app } = await testApp({ WIDGET_FILE: join(dir, 'widget.js'), DEMO_FILE: join(dir, 'missing.html') });
t.teardown(() => app.close());

t.test('GET /widget.js: JavaScript with cache headers and an ETag', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/widget.js' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/javascript/);
  t.match(res.headers['cache-control'], /public, max-age=300/);
  t.ok(res.headers.etag);
  const again = await app.inject({ method: 'GET', url: '/widget.js', headers: { 'if-none-match': String(res.headers.etag) } });
  t.equal(again.statusCode, 304);
  writeFileSync(join(dir, 'widget.js'), '/* rebuilt */');
  const rebuilt = await app.inject({ method: 'GET', url: '/widget.js', headers: { 'if-none-match': String(res.headers.etag) } });
  t.equal(rebuilt.statusCode, 200, 'a rebuilt bundle is served anew');
  t.equal(rebuilt.body, '/* rebuilt */');
});

t.test('GET / without a built demo: JSON 404', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/' });
  t.equal(res.statusCode, 404);
  t.equal(res.json().error.code, 'not_found');
});

t.test('healthz answers; readyz says what is missing', async (t) => {
  t.same((await app.inject({ method: 'GET', url: '/healthz' })).json(), { ok: true });
  const ready = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(ready.statusCode, 503, 'no engine listens on the test ENGINE_URL');
  t.match(ready.json(), { ok: false, redis: true, engine: false, store: 'memory' });
});

t.test('every response carries an x-request-id; a sane caller id is kept', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-123' } });
  t.equal(res.headers['x-request-id'], 'trace-123');
  const odd = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'a b\tc' } });
  t.not(odd.headers['x-request-id'], 'a b\tc');
});
