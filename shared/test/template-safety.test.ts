/**
 * Template and value safety: field names that are the prototype chain's are refused, and
 * `format: "uri"` collects only web addresses (http, https), never a scheme that acts when followed.
 */
import t from 'tap';
import { createAjv, fieldValidators, validateTemplate, type Template } from '@chat/shared';

const withField = (name: string) =>
  JSON.parse(`{"id":"t","version":1,"fields":{"email":{"type":"string","format":"email","required":true},"${name}":{"type":"string"}}}`) as unknown;

t.test('__proto__, constructor and prototype are no field names', async (t) => {
  for (const name of ['__proto__', 'constructor', 'prototype']) {
    const r = validateTemplate(withField(name));
    t.notOk(r.ok, `${name} refused`);
    if (!r.ok)
      t.same(
        r.errors.map((e) => e.path),
        [`/fields/${name}`],
        `${name}: the error names the field`,
      );
  }
  for (const name of ['proto', '_constructor', 'prototype_url', 'Constructor']) t.ok(validateTemplate(withField(name)).ok, `${name} is fine`);
});

t.test('format uri: absolute http(s) only', async (t) => {
  const template: Template = { id: 'u', version: 1, fields: { site: { type: 'string', format: 'uri', required: true } } };
  t.ok(validateTemplate(template).ok);
  const check = fieldValidators(template).site!;
  for (const ok of ['https://acme.example/', 'http://acme.example:8080/a?b=c#d', 'HTTPS://ACME.EXAMPLE']) t.ok(check(ok), `${ok} accepted`);
  for (const bad of [
    'javascript:alert(1)',
    'JavaScript:alert(document.cookie)',
    'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd',
    'ftp://acme.example/',
    'mailto:ann@example.com',
    'vbscript:msgbox(1)',
    '//acme.example/x',
    '/relative',
    'https://',
    'http:// space.example',
    'https://acme.example/\njavascript:alert(1)',
    'urn:isbn:0451450523',
  ])
    t.notOk(check(bad), `${JSON.stringify(bad)} refused`);
  const ajv = createAjv();
  const direct = ajv.compile({ type: 'string', format: 'uri' });
  t.notOk(direct('javascript:alert(1)'), 'createAjv itself');
  t.ok(direct('https://acme.example/'));
});
