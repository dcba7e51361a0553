/**
 * Abuse limits beyond one visitor: token minting per client address with IPv6 counted per /64;
 * turns per site and per tenant per minute (many visitors, one customer); a cap on the turns one
 * gateway relays at once (503 `overloaded`, Retry-After); the session view pages its transcript
 * and is never cached.
 */
import t from 'tap';
import { createServer } from 'node:http';
import { ACME_ORIGIN, bearer, testApp } from './helpers.js';
import { clientAddressKey } from '../src/plugins/limits.js';
import type { Visitor } from '../src/plugins/auth.js';

const SID = 'CCCCCCCCCCCCCCCCCCCCCC';

t.test('client address keys: IPv4 as is, IPv6 by /64', async (t) => {
  t.equal(clientAddressKey('203.0.113.9'), '203.0.113.9');
  t.equal(clientAddressKey('::ffff:203.0.113.9'), '203.0.113.9');
  t.equal(clientAddressKey('2001:db8:1:2::1'), '2001:db8:1:2::/64');
  t.equal(clientAddressKey('2001:0db8:0001:0002:ffff:eeee:dddd:cccc'), '2001:db8:1:2::/64');
  t.equal(clientAddressKey('2001:db8::1'), '2001:db8:0:0::/64');
  t.not(clientAddressKey('2001:db8:1:3::1'), clientAddressKey('2001:db8:1:2::1'), 'another /64 is another client');
});

t.test('token minting: every address of one IPv6 /64 shares one budget', async (t) => {
  const { app } = await testApp({ RATE_TOKEN_PER_MINUTE: '3' });
  t.teardown(() => app.close());
  const mint = (remoteAddress: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/token',
      remoteAddress,
      headers: { origin: ACME_ORIGIN, 'content-type': 'application/json' },
      payload: { siteKey: 'pk_acme_web' },
    });
  for (const host of ['1', '2', 'abcd:1', '3']) t.equal((await mint(`2001:db8:1:2::${host}`)).statusCode, host === '3' ? 429 : 200, `2001:db8:1:2::${host}`);
  t.equal((await mint('2001:db8:1:3::1')).statusCode, 200, 'the next /64 has its own budget');
});

const turnsOf = async (app: Awaited<ReturnType<typeof testApp>>['app'], n: number) => {
  const site = app.tenants.bySiteKey.get('pk_acme_web')!;
  const codes: number[] = [];
  // A new visitor each time: the per-visitor limit never trips. A turn of a missing session is counted, then 404.
  for (let i = 0; i < n; i++) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/chat',
      headers: { ...bearer(app.mintVisitorToken(site).token), 'content-type': 'application/json' },
      payload: { sessionId: SID, message: { id: `m${i}`, text: 'hi' } },
    });
    codes.push(res.statusCode);
  }
  return codes;
};

t.test('turns per site per minute, across visitors', async (t) => {
  const { app } = await testApp({ RATE_SITE_TURNS_PER_MINUTE: '3' });
  t.teardown(() => app.close());
  t.same(await turnsOf(app, 5), [404, 404, 404, 429, 429]);
});

t.test('turns per tenant per minute, across visitors and sites', async (t) => {
  const { app } = await testApp({ RATE_TENANT_TURNS_PER_MINUTE: '2' });
  t.teardown(() => app.close());
  t.same(await turnsOf(app, 3), [404, 404, 429]);
});

t.test('the defaults are named', async (t) => {
  const { config } = await testApp().then(async (x) => (await x.app.close(), x));
  t.equal(config.rateSiteTurnsPerMinute, 600);
  t.equal(config.rateTenantTurnsPerMinute, 3000);
  t.equal(config.maxConcurrentTurns, 500);
});

t.test('concurrent turns per gateway are capped: 503 overloaded with Retry-After', async (t) => {
  // An engine that takes the request and never answers: the first turn holds its slot.
  const held: Array<() => void> = [];
  const engine = createServer((_req, res) => held.push(() => res.destroy()));
  await new Promise<void>((ok) => engine.listen(0, '127.0.0.1', ok));
  t.teardown(
    () =>
      new Promise<void>((ok) => {
        held.forEach((f) => f());
        engine.close(() => ok());
      }),
  );
  const { app } = await testApp({
    MAX_CONCURRENT_TURNS: '1',
    ENGINE_URL: `http://127.0.0.1:${(engine.address() as { port: number }).port}`,
    ENGINE_HEADERS_TIMEOUT_MS: '5000',
  });
  t.teardown(() => app.close());
  const site = app.tenants.bySiteKey.get('pk_acme_web')!;
  const chat = (i: number) =>
    app.inject({
      method: 'POST',
      url: '/v1/chat',
      headers: { ...bearer(app.mintVisitorToken(site).token), 'content-type': 'application/json' },
      payload: { message: { id: `m${i}`, text: 'hi' } },
    });
  const first = chat(1);
  while (held.length === 0) await new Promise((r) => setTimeout(r, 10));
  const second = await chat(2);
  t.equal(second.statusCode, 503);
  t.equal(second.json().error.code, 'overloaded');
  t.equal(second.headers['retry-after'], '1');
  held.forEach((f) => f()); // the engine fails the first turn: its slot comes back
  await first;
  t.not((await chat(3)).json().error?.code, 'overloaded', 'a freed slot is usable again');
});

t.test('GET /v1/sessions/:id pages the transcript and is not cached', async (t) => {
  const entries = Array.from({ length: 120 }, (_, i) => ({
    role: i % 2 ? 'assistant' : 'user',
    text: `entry ${i}`,
    at: new Date(1_700_000_000_000 + i * 1000).toISOString(),
  }));
  const engine = createServer((_req, res) =>
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: 'collecting', data: {}, missing: ['email'], invalid: [], transcript: entries })),
  );
  await new Promise<void>((ok) => engine.listen(0, '127.0.0.1', ok));
  t.teardown(() => new Promise<void>((ok) => engine.close(() => ok())));
  const { app } = await testApp({ ENGINE_URL: `http://127.0.0.1:${(engine.address() as { port: number }).port}` });
  t.teardown(() => app.close());
  const site = app.tenants.bySiteKey.get('pk_acme_web')!;
  const minted = app.mintVisitorToken(site);
  const visitor: Visitor = { tenantId: 'acme', siteId: 'acme-web', sub: minted.sub, issuer: 'platform' };
  await app.sessions.create(SID, visitor, site);
  const get = (q = '') => app.inject({ method: 'GET', url: `/v1/sessions/${SID}${q}`, headers: bearer(minted.token) });

  const last = await get();
  t.equal(last.statusCode, 200);
  t.equal(last.headers['cache-control'], 'no-store');
  t.equal(last.json().transcript.length, 50, 'default page: the latest 50');
  t.match(last.json(), { transcriptStart: 70, transcriptTotal: 120, missing: ['email'] });
  t.equal(last.json().transcript[0].text, 'entry 70');
  const earlier = (await get('?before=70&limit=200')).json();
  t.equal(earlier.transcript.length, 70);
  t.equal(earlier.transcriptStart, 0, 'nothing earlier');
  t.equal((await get('?limit=10')).json().transcript.at(-1).text, 'entry 119');
  t.equal((await get('?limit=201')).statusCode, 400, 'limit at most 200');
  t.equal((await get('?limit=0')).statusCode, 400);
  t.equal((await get('?before=x')).statusCode, 400);
  const close = await app.inject({ method: 'POST', url: `/v1/sessions/${SID}/close`, headers: bearer(minted.token) });
  t.equal(close.headers['cache-control'], 'no-store');
});
