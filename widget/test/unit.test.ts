// The widget's pure parts, in Node: links, sentence batching, locale choice, token expiry
// parsing, HTTP error mapping and the visitor context (the bundle's template minifier: package.test.ts).
import t from 'tap';
import { linkify, safeHref } from '../src/linkify.js';
import { takeSentences } from '../src/sentences.js';
import { pickLocale, LOCALES } from '../src/i18n.js';
import { toEpochMs } from '../src/token-keeper.js';
import { WidgetError, httpError, toWidgetError } from '../src/widget-error.js';
import { pageUrl, parseAttributes, visitorContext } from '../src/context.js';

t.test('linkify keeps text as text and links only http(s)', async (t) => {
  t.same(linkify('see https://acme.example/quote?x=1. Thanks'), [
    { kind: 'text', text: 'see ' },
    { kind: 'link', text: 'https://acme.example/quote?x=1', href: 'https://acme.example/quote?x=1' },
    { kind: 'text', text: '. Thanks' },
  ]);
  t.same(linkify('click javascript:alert(1) or data:text/html,<b>x</b>'), [{ kind: 'text', text: 'click javascript:alert(1) or data:text/html,<b>x</b>' }]);
  t.same(linkify('<img src=x onerror=alert(1)>'), [{ kind: 'text', text: '<img src=x onerror=alert(1)>' }]);
  t.same(linkify('(https://en.wikipedia.org/wiki/Solar_(disambiguation))'), [
    { kind: 'text', text: '(' },
    { kind: 'link', text: 'https://en.wikipedia.org/wiki/Solar_(disambiguation)', href: 'https://en.wikipedia.org/wiki/Solar_(disambiguation)' },
    { kind: 'text', text: ')' },
  ]);
  t.same(linkify('a "http://x.test/" b')[1], { kind: 'link', text: 'http://x.test/', href: 'http://x.test/' });
  t.equal(safeHref('javascript:alert(1)'), null);
  t.equal(safeHref('JAVASCRIPT://x.test/%0aalert(1)'), null);
  t.equal(safeHref('https://x.test/a b'), 'https://x.test/a%20b');
});

t.test('sentences are released whole, the unfinished tail is kept', async (t) => {
  t.same(takeSentences('Hi there! What is your'), { sentences: ['Hi there! '], rest: 'What is your' });
  t.same(takeSentences('Done. "Quoted." Next line\nmore'), { sentences: ['Done. ', '"Quoted." ', 'Next line\n'], rest: 'more' });
  t.same(takeSentences('Version 1.5 is out'), { sentences: [], rest: 'Version 1.5 is out' });
  t.same(takeSentences(''), { sentences: [], rest: '' });
});

t.test('locale: element lang, then page, then browser; English fallback', async (t) => {
  t.equal(pickLocale('de-AT', 'fr').lang, 'de');
  t.equal(pickLocale('', 'fr-CA').lang, 'fr');
  t.equal(pickLocale(undefined, null, 'es').lang, 'es');
  t.equal(pickLocale('pt-BR').lang, 'en');
  t.equal(pickLocale().strings, LOCALES.en);
  const keys = Object.keys(LOCALES.en!).sort();
  for (const [lang, strings] of Object.entries(LOCALES)) {
    t.same(Object.keys(strings).sort(), keys, `${lang} has every string`);
    t.same(
      Object.entries(strings).filter(([, v]) => v === ''),
      [],
      `${lang} has no empty string`,
    );
  }
});

t.test('token expiry accepts seconds, milliseconds and ISO dates', async (t) => {
  t.equal(toEpochMs(1_800_000_000), 1_800_000_000_000);
  t.equal(toEpochMs(1_800_000_000_000), 1_800_000_000_000);
  t.equal(toEpochMs('2027-03-01T00:00:00.000Z'), Date.UTC(2027, 2, 1));
  t.equal(toEpochMs('soon'), undefined);
  t.equal(toEpochMs(null), undefined);
});

t.test('failed responses become WidgetErrors with the registry code, else one derived from the status', async (t) => {
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  const limited = await httpError(json(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'retry-after': '3' }));
  t.match(limited, { code: 'rate_limited', message: 'slow down', status: 429, retryable: true, retryAfterMs: 3000 });
  const gone = await httpError(json(404, { error: { code: 'session_not_found', message: 'no such session' } }));
  t.match(gone, { code: 'session_not_found', retryable: false, retryAfterMs: undefined });
  // A proxy's HTML error page: no body to trust, so the status decides.
  const proxy = await httpError(new Response('<h1>Bad Gateway</h1>', { status: 502, statusText: 'Bad Gateway' }));
  t.match(proxy, { code: 'internal', message: 'Bad Gateway', status: 502 });
  t.equal((await httpError(new Response('', { status: 401 }))).code, 'unauthorized');
  t.equal((await httpError(json(400, { error: { code: 'not_a_code', message: 'x' } }))).code, 'bad_request', 'unknown codes are not trusted');
  t.equal((await httpError(json(429, {}, { 'retry-after': 'soon' }))).retryAfterMs, undefined, 'an unreadable Retry-After is ignored');
  const net = toWidgetError(new TypeError('Failed to fetch'));
  t.match(net, { code: 'network', retryable: true, message: 'Failed to fetch' });
  t.equal(toWidgetError(limited), limited, 'a WidgetError passes through unchanged');
  t.ok(net instanceof WidgetError);
});

t.test('visitor context: page origin and path with utm_* keys only, referrer origin, language, the context attribute', async (t) => {
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  const page = {
    href: 'https://acme.example/solar/quote?utm_source=news&email=ann%40example.com&utm_campaign=spring+sale&token=abc#form',
    referrer: 'https://www.search.example/results?q=solar+panels',
    language: 'de-AT',
  };
  t.same(visitorContext(page, '{"plan":"pro","seats":3,"trial":false}', warn), {
    url: 'https://acme.example/solar/quote?utm_source=news&utm_campaign=spring+sale',
    referrer: 'https://www.search.example',
    language: 'de-AT',
    attributes: { plan: 'pro', seats: 3, trial: false },
  });
  t.same(warnings, []);

  t.equal(pageUrl('https://acme.example/a?x=1#y'), 'https://acme.example/a', 'no utm_* keys: no query at all');
  t.equal(
    pageUrl('https://acme.example:8443/a?utm_x=1&utm_x=2&UTM_Y=3'),
    'https://acme.example:8443/a?utm_x=1&utm_x=2',
    'utm_ keys as they came, repeats kept',
  );
  t.equal(pageUrl('file:///home/ann/page.html'), undefined, 'not a web page');
  t.equal(pageUrl(`https://acme.example/${'p'.repeat(2100)}`), undefined, 'past the contract cap');
  t.same(visitorContext({ href: 'about:blank', referrer: '', language: '' }, null, warn), undefined, 'nothing to say: no context');
  t.same(visitorContext({ ...page, referrer: 'not a url' }, null, warn)?.referrer, undefined, 'an unparsable referrer is omitted');
  t.same(visitorContext({ ...page, referrer: '' }, null, warn)?.referrer, undefined, 'no referrer: omitted');
  t.same(visitorContext({ ...page, referrer: 'android-app://com.example' }, null, warn)?.referrer, undefined, 'a referrer that is no web origin is omitted');
  t.same(visitorContext({ ...page, language: 'x'.repeat(40) }, null, warn)?.language, undefined, 'an overlong language tag is omitted');
  t.same(warnings, [], 'no attribute, no warning');

  for (const bad of [
    '{"nested":{"a":1}}',
    '["a"]',
    'null',
    '"text"',
    '{"a":[1]}',
    '{"n":null}',
    'not json',
    `{"k":"${'x'.repeat(1020)}"}`,
    `{"k":"${'é'.repeat(511)}"}`,
    JSON.stringify(Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i]))),
  ]) {
    warnings.length = 0;
    t.equal(parseAttributes(bad, warn), null, bad.slice(0, 40));
    t.equal(warnings.length, 1, 'with one warning');
    t.match(warnings[0], /context ignored/);
  }
  t.same(parseAttributes(`{"k":"${'x'.repeat(1014)}"}`, warn), { k: 'x'.repeat(1014) }, '1024 bytes exactly is accepted');
  t.equal(parseAttributes('  ', warn), null, 'blank: nothing');
  t.same(visitorContext(page, '{}', warn)?.attributes, undefined, 'an empty object adds nothing');
});
