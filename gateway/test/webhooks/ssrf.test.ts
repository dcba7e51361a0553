/**
 * The SSRF guard: internal addresses in every spelling are refused, names are resolved and every
 * address checked, and a delivery connects to the vetted address even if DNS answers otherwise later.
 */
import t from 'tap';
import { isPrivateAddress, vetUrl } from '../../src/webhooks/ssrf.js';
import { attemptDelivery } from '../../src/webhooks/deliver.js';
import { parseTenants } from '../../src/tenants.js';
import { startReceiver } from './receiver.js';
import { readFileSync } from 'node:fs';
import { EXAMPLE_TENANTS } from '../helpers.js';

const refused = [
  'http://169.254.169.254/latest/meta-data/',
  'http://[::ffff:127.0.0.1]/',
  'http://[::ffff:169.254.169.254]/',
  'http://0x7f000001/',
  'http://2130706433/',
  'http://017700000001/',
  'http://127.1/',
  'http://0.0.0.0/',
  'http://10.1.2.3/',
  'http://172.16.0.1/',
  'http://192.168.1.1/',
  'http://100.64.0.1/',
  'http://224.0.0.1/',
  'http://[::1]/',
  'http://[fc00::1]/',
  'http://[fe80::1]/',
  'http://localhost/',
];

t.test('internal addresses in every spelling are refused', async (t) => {
  for (const url of refused) await t.rejects(vetUrl(url, false), { name: 'SsrfRefused' }, url);
});

t.test('a name that resolves to a private address is refused, even if only one of its addresses is', async (t) => {
  const dns = async (h: string) =>
    h === 'mixed.example'
      ? [
          { address: '93.184.216.34', family: 4 },
          { address: '10.0.0.7', family: 4 },
        ]
      : [{ address: '192.168.9.9', family: 4 }];
  await t.rejects(vetUrl('https://hooks.customer.example/x', false, dns), /internal address \(192\.168\.9\.9\)/);
  await t.rejects(vetUrl('https://mixed.example/x', false, dns), /internal address \(10\.0\.0\.7\)/);
});

t.test('public addresses pass; private ones only with allowPrivateNetwork', async (t) => {
  const dns = async () => [{ address: '93.184.216.34', family: 4 }];
  t.equal((await vetUrl('https://hooks.customer.example/x', false, dns)).address, '93.184.216.34');
  t.equal((await vetUrl('http://127.0.0.1:9/x', true)).address, '127.0.0.1');
  t.notOk(isPrivateAddress('8.8.8.8'));
  t.notOk(isPrivateAddress('2606:4700:4700::1111'));
  await t.rejects(vetUrl('ftp://example.com/', true), /scheme/);
  await t.rejects(vetUrl('http://user:pw@example.com/', true), /credentials/);
});

t.test('a delivery to a refused URL sends nothing', async (t) => {
  const rx = await startReceiver();
  t.teardown(() => rx.close());
  const res = await attemptDelivery({
    url: `http://localhost:${rx.port}/hooks`,
    secrets: [`whsec_${Buffer.alloc(32, 1).toString('base64')}`],
    allowPrivateNetwork: false,
    id: 'msg_x',
    body: '{}',
    timeoutMs: 2000,
    userAgent: 'test',
  });
  t.equal(res.outcome, 'refused');
  t.equal(rx.received.length, 0, 'the receiver was never contacted');
});

t.test('the connection is pinned to the vetted address (DNS rebinding)', async (t) => {
  const rx = await startReceiver();
  t.teardown(() => rx.close());
  let calls = 0;
  // First answer: loopback (allowed here); any later answer would point elsewhere.
  const dns = async () => (calls++ === 0 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '10.9.9.9', family: 4 }]);
  const res = await attemptDelivery({
    url: `http://rebind.test:${rx.port}/hooks`,
    secrets: [`whsec_${Buffer.alloc(32, 1).toString('base64')}`],
    allowPrivateNetwork: true,
    id: 'msg_y',
    body: '{}',
    timeoutMs: 2000,
    userAgent: 'test',
    resolve: dns,
  });
  t.equal(res.outcome, 'delivered');
  t.equal(calls, 1, 'resolved once');
  t.equal(rx.received[0]!.headers.host, `rebind.test:${rx.port}`, 'the Host header keeps the name');
});

t.test('redirects are failures, not followed', async (t) => {
  const rx = await startReceiver(() => 302);
  t.teardown(() => rx.close());
  const res = await attemptDelivery({
    url: rx.url,
    secrets: [`whsec_${Buffer.alloc(32, 1).toString('base64')}`],
    allowPrivateNetwork: true,
    id: 'msg_z',
    body: '{}',
    timeoutMs: 2000,
    userAgent: 'test',
  });
  t.match(res, { outcome: 'failed', status: 302 });
  t.equal(rx.received.length, 1);
});

t.test('the tenants file: webhook errors name their key path', async (t) => {
  const base = () => JSON.parse(readFileSync(EXAMPLE_TENANTS, 'utf8'));
  const parse = (webhook: unknown) => {
    const doc = base();
    doc.tenants[0].webhook = webhook;
    return parseTenants(doc, { turnsPerMinute: 1, sessionsPerHour: 1, platformIssuer: 'chat-gateway' });
  };
  const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
  t.equal(parse({ url: 'https://crm.example/hook', secrets: [secret] }).tenants.get('acme')!.webhook!.events.length, 2);
  t.throws(() => parse({ url: 'http://169.254.169.254/', secrets: [secret] }), /tenants\[0\]\.webhook\.url: points at an internal address/);
  t.throws(() => parse({ url: 'http://0x7f000001/', secrets: [secret] }), /webhook\.url: points at an internal address/);
  t.ok(parse({ url: 'http://127.0.0.1:8080/', secrets: [secret], allowPrivateNetwork: true }));
  t.throws(() => parse({ url: 'https://crm.example/', secrets: [] }), /webhook\.secrets: must be an array of one or two/);
  t.throws(() => parse({ url: 'https://crm.example/', secrets: [secret, secret, secret] }), /webhook\.secrets/);
  t.throws(() => parse({ url: 'https://crm.example/', secrets: ['nope'] }), /webhook\.secrets\[0\]: must be "whsec_"/);
  t.throws(() => parse({ url: 'https://crm.example/', secrets: ['whsec_AAAA'] }), /webhook\.secrets\[0\]: must decode to 24-64 bytes/);
  t.throws(() => parse({ url: 'https://crm.example/', secrets: [secret], events: ['session.x'] }), /webhook\.events\[0\]/);
  t.throws(() => parse({ url: 'https://crm.example/', secrets: [secret], extra: 1 }), /webhook\.extra: unknown key/);
  t.throws(() => parse({ url: 'ftp://crm.example/', secrets: [secret] }), /webhook\.url: must use http or https/);
});

// The guard is an allow-list: only global unicast addresses are dialled. Each of these reaches (or
// may reach) something internal, or is reserved; each must be refused however it is written.
const notGlobal = [
  'http://[::127.0.0.1]/', // IPv4-compatible (deprecated), loopback inside
  'http://[::ffff:10.0.0.1]/', // IPv4-mapped private
  'http://[2002:7f00:1::]/', // 6to4 of 127.0.0.1
  'http://[2002:a00:1::]/', // 6to4 of 10.0.0.1
  'http://[2001::1]/', // Teredo 2001::/32
  'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', // Teredo, as seen in the wild
  'http://[64:ff9b:1::a00:1]/', // local-use NAT64 64:ff9b:1::/48
  'http://[64:ff9b::a00:1]/', // well-known NAT64 prefix
  'http://[fec0::1]/', // site-local (deprecated)
  'http://[2001:db8::1]/', // documentation
  'http://[100::1]/', // discard-only
  'http://[::]/',
  'http://0.0.0.0/',
  'http://0/',
  'http://2130706433/', // decimal 127.0.0.1
  'http://167772161/', // decimal 10.0.0.1
  'http://017700000001/', // octal 127.0.0.1
  'http://012.0.0.1/', // octal 10.0.0.1
  'http://0x0a.0.0.1/', // hex 10.0.0.1
  'http://192.0.2.1/', // TEST-NET-1
  'http://198.51.100.7/', // TEST-NET-2
  'http://203.0.113.9/', // TEST-NET-3
  'http://192.88.99.1/', // 6to4 relay anycast
  'http://255.255.255.255/',
];

t.test('allow-list: only global unicast addresses are dialled', async (t) => {
  for (const url of notGlobal) await t.rejects(vetUrl(url, false), { name: 'SsrfRefused' }, url);
  for (const ip of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:93.184.216.34'])
    t.notOk(isPrivateAddress(ip), `${ip} is global`);
});

t.test('a name resolving to loopback (any spelling) is refused', async (t) => {
  for (const address of ['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.1', '::127.0.0.1', '2002:7f00:1::'])
    await t.rejects(
      vetUrl('https://hooks.customer.example/x', false, async () => [{ address, family: address.includes(':') ? 6 : 4 }]),
      { name: 'SsrfRefused', reason: 'internal' },
      address,
    );
});

t.test('a redirect to a private address is a failed attempt; the private target sees nothing', async (t) => {
  const inside = await startReceiver(); // stands for an internal service
  t.teardown(() => inside.close());
  const { createServer } = await import('node:http');
  const outside = createServer((_req, res) => res.writeHead(307, { location: `http://127.0.0.1:${inside.port}/admin` }).end());
  await new Promise<void>((ok) => outside.listen(0, '127.0.0.1', ok));
  t.teardown(() => new Promise<void>((ok) => outside.close(() => ok())));
  const port = (outside.address() as { port: number }).port;
  // The first hop is a test server on loopback (allowed for this attempt); where it redirects is never dialled.
  const res2 = await attemptDelivery({
    url: `http://127.0.0.1:${port}/hooks`,
    secrets: [`whsec_${Buffer.alloc(32, 1).toString('base64')}`],
    allowPrivateNetwork: true,
    id: 'msg_r2',
    body: '{}',
    timeoutMs: 2000,
    userAgent: 'test',
  });
  t.match(res2, { outcome: 'failed', status: 307 });
  t.equal(inside.received.length, 0, 'no request reached the private target');
});
