import t from 'tap';
import { readFileSync } from 'node:fs';
import { checkLinearPattern, linearRegExp } from '../src/linear-regex.js';
import { fieldValidators, validateTemplate, type Template } from '../src/index.js';

const withPattern = (pattern: string): Template => ({ id: 'p', version: 1, fields: { code: { type: 'string', pattern, required: true } } });

t.test('checkLinearPattern: RE2 patterns pass, backtracking ones are refused with a reason', async (t) => {
  for (const p of ['^[A-Z]{2}[0-9]{4}$', '^(\\w+\\s?)*$', '^\\p{L}+$', '^(?<area>\\d{3})-\\d{4}$', 'a/b']) t.equal(checkLinearPattern(p), null, p);
  for (const p of ['(a)\\1', '^(?<x>a)\\k<x>$', 'foo(?=bar)', 'foo(?!bar)', '(?<=a)b', '(?<!a)b']) t.match(checkLinearPattern(p), /needs backtracking/, p);
  t.equal(checkLinearPattern('('), 'pattern is not a valid regular expression');
});

t.test('validateTemplate refuses a backreference at its JSON path; ordinary patterns are fine', async (t) => {
  const r = validateTemplate(withPattern('^(\\w)\\1$'));
  t.notOk(r.ok);
  if (!r.ok) {
    t.same(
      r.errors.map((e) => e.path),
      ['/fields/code/pattern'],
    );
    t.match(r.errors[0]!.message, /backreference or lookaround/);
  }
  const look = withPattern('^(?=.*\\d).+$');
  look.fields.name = { type: 'string', required: true };
  const l = validateTemplate(look);
  t.same(l.ok ? [] : l.errors.map((e) => e.path), ['/fields/code/pattern'], 'lookahead too');
  t.ok(validateTemplate(withPattern('^[A-Z]{2}[0-9]{4}$')).ok, 'an ordinary pattern');
});

t.test('field validators run patterns on RE2: same answers, linear time on an attack string', async (t) => {
  const v = fieldValidators(withPattern('^[A-Z]{2}[0-9]{4}$')).code!;
  t.ok(v('AB1234'));
  t.notOk(v('ab1234'));
  t.notOk(v('AB12345'));
  t.equal(v.errors?.[0]?.keyword, 'pattern');
  // With JavaScript's backtracking RegExp this input takes about 2^39 steps.
  const evil = fieldValidators(withPattern('^(\\w+\\s?)*$')).code!;
  const start = performance.now();
  t.notOk(evil(`${'a'.repeat(39)}!`), 'the attack string is refused');
  t.ok(evil('hello big world'), 'and a real value still matches');
  t.comment(`attack string checked in ${(performance.now() - start).toFixed(2)} ms`);
});

t.test('a pattern compiles once per process, however many templates use it', async (t) => {
  t.equal(linearRegExp('^[a-z]+$', 'u'), linearRegExp('^[a-z]+$', 'u'));
  t.throws(() => linearRegExp('(a)\\1', 'u'), SyntaxError);
  t.throws(() => linearRegExp('(a)\\1', 'u'), SyntaxError, 'a refusal is remembered too');
  t.equal(String(linearRegExp('^[a-z]+$', 'u')), '/^[a-z]+$/u');
});

t.test('re2-wasm running out of its fixed heap recovers on a fresh instance', async (t) => {
  const kept = linearRegExp('^keep[0-9]+$', 'u');
  // Its heap is 16 MB and never grows: this input cannot be copied in, and the module aborts.
  t.throws(() => kept.test('x'.repeat(17_000_000)), { name: 'RuntimeError' }, 'an input past the heap throws');
  t.ok(kept.test('keep42'), 'a pattern compiled before works again, on a fresh instance');
  t.notOk(kept.test('keep'));
  t.ok(fieldValidators(withPattern('^[A-Z]{2}$')).code!('AB'), 'and new ones compile');
});

t.test("the widget's subpaths never reach linear-regex or re2-wasm", async (t) => {
  // Each subpath's sources (the "chat-source" condition; its dist/ JavaScript is compiled from them).
  const exportsMap = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).exports as Record<string, Record<string, string>>;
  t.equal(exportsMap['./linear-regex']!['chat-source'], './src/linear-regex.ts');
  const seen = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(new URL(`../src/${file}`, import.meta.url), 'utf8');
    // Runtime imports only: `import type` is erased from the bundle.
    for (const m of src.matchAll(/^(?:import|export)(?!\s+type\b)[^'"]*?from\s+'([^']+)'/gm)) {
      const spec = m[1]!;
      t.not(spec, 're2-wasm', `${file} imports re2-wasm`);
      if (spec.startsWith('./')) walk(spec.slice(2).replace(/\.js$/, '.ts'));
    }
  };
  for (const sub of ['./events', './sse', './errors']) walk(exportsMap[sub]!['chat-source']!.replace('./src/', ''));
  t.notOk(seen.has('linear-regex.ts'), [...seen].join(', '));
  t.notOk(seen.has('template.ts'));
});
