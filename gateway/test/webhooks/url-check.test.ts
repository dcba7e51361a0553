/**
 * The save-time URL check of the admin API: null when a URL is acceptable, else a sentence saying
 * why. Names are resolved with an injected resolver, so no test depends on real DNS.
 */
import t from 'tap';
import { checkWebhookUrl, type Resolver } from '../../src/webhooks/ssrf.js';

const dns: Resolver = async (host) => {
  const table: Record<string, string[]> = {
    'hooks.public.example': ['93.184.216.34'],
    'internal.example': ['10.0.0.1'],
    'mixed.example': ['93.184.216.34', '10.0.0.1'],
    'v6.public.example': ['2606:4700:4700::1111'],
    'empty.example': [],
  };
  const a = table[host];
  if (!a) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

t.test('acceptable URLs', async (t) => {
  t.equal(await checkWebhookUrl('https://hooks.public.example/chat', false, dns), null, 'a public name');
  t.equal(await checkWebhookUrl('http://hooks.public.example:8080/x?y=1', false, dns), null, 'http and a port');
  t.equal(await checkWebhookUrl('https://v6.public.example/', false, dns), null, 'a public IPv6 address');
  t.equal(await checkWebhookUrl('https://93.184.216.34/hook', false, dns), null, 'a public literal');
  t.equal(await checkWebhookUrl('http://127.0.0.1:9/hook', true, dns), null, 'loopback with allowPrivateNetwork');
  t.equal(await checkWebhookUrl('http://internal.example/hook', true, dns), null, 'an internal name with allowPrivateNetwork');
});

t.test('refused: literal internal addresses', async (t) => {
  t.match(await checkWebhookUrl('http://127.0.0.1/', false, dns), /internal address \(127\.0\.0\.1\)/);
  t.match(await checkWebhookUrl('http://[::1]/', false, dns), /internal address \(::1\)/);
  t.match(await checkWebhookUrl('http://0x7f000001/', false, dns), /internal address \(127\.0\.0\.1\)/, 'numeric spellings too');
  t.match(await checkWebhookUrl('http://[::ffff:169.254.169.254]/', false, dns), /internal address/);
});

t.test('refused: names resolving to internal addresses, even one of several', async (t) => {
  t.match(await checkWebhookUrl('https://internal.example/hook', false, dns), /internal\.example resolves to an internal address \(10\.0\.0\.1\)/);
  t.match(await checkWebhookUrl('https://mixed.example/hook', false, dns), /resolves to an internal address \(10\.0\.0\.1\)/);
});

t.test('refused: names that do not resolve, with a clear message (even with allowPrivateNetwork)', async (t) => {
  t.match(await checkWebhookUrl('https://nowhere.example/hook', false, dns), /nowhere\.example does not resolve.*ENOTFOUND/);
  t.match(await checkWebhookUrl('https://nowhere.example/hook', true, dns), /does not resolve/);
  t.match(await checkWebhookUrl('https://empty.example/hook', false, dns), /empty\.example does not resolve/);
});

t.test('refused: not http(s), credentials, not a URL', async (t) => {
  t.match(await checkWebhookUrl('ftp://hooks.public.example/x', false, dns), /must use http or https, not ftp/);
  t.match(await checkWebhookUrl('ftp://hooks.public.example/x', true, dns), /must use http or https/);
  t.match(await checkWebhookUrl('https://user:pw@hooks.public.example/x', false, dns), /must not carry credentials/);
  t.match(await checkWebhookUrl('https://user@hooks.public.example/x', true, dns), /must not carry credentials/);
  t.match(await checkWebhookUrl('hooks.public.example/x', false, dns), /absolute http\(s\) URL/);
  t.match(await checkWebhookUrl('', false, dns), /absolute http\(s\) URL/);
});
