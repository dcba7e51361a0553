// Links with a user@ part are never links: "https://bank.example@evil.example" reads as the bank
// and opens evil.example. They stay text; ordinary links (an @ in the path or query) still link.
import t from 'tap';
import { linkify, safeHref } from '../src/linkify.js';

t.test('a URL with a user part stays text', async (t) => {
  for (const url of [
    'https://bank.example@evil.example/login',
    'https://user:pass@evil.example',
    'http://@evil.example',
    'https://bank.example%40x@evil.example',
    'https://a:@evil.example',
    'HTTPS://Bank.Example@Evil.Example',
  ]) {
    t.equal(safeHref(url), null, `${url}: no href`);
    t.same(linkify(`log in at ${url} now`), [{ kind: 'text', text: `log in at ${url} now` }], `${url}: text only`);
  }
});

t.test('an @ after the host is fine', async (t) => {
  t.same(linkify('see https://acme.example/team/@ann?x=a@b.co'), [
    { kind: 'text', text: 'see ' },
    { kind: 'link', text: 'https://acme.example/team/@ann?x=a@b.co', href: 'https://acme.example/team/@ann?x=a@b.co' },
  ]);
  t.equal(safeHref('https://acme.example/#@evil.example'), 'https://acme.example/#@evil.example');
});
