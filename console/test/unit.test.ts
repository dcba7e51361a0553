// The console's pure parts, in Node: the template draft's edits, the browser's stand-in for the
// RE2 pattern check (against the real one), origins, the leads filters, routes and the snippet.
import t from 'tap';
import { checkLinearPattern as onRe2 } from '@chat/shared/linear-regex';
import { checkLinearPattern as inBrowser } from '../src/shims/linear-regex.js';
import {
  STARTER,
  addField,
  checkDraft,
  fieldEntries,
  moveField,
  parseEnum,
  placeholders,
  removeField,
  renameField,
  sameTemplate,
  setAssistant,
  setFieldProp,
  setFieldType,
  toBody,
  toDraft,
  type Draft,
} from '../src/controllers/template-draft.js';
import { parseOrigins } from '../src/controllers/sites.controller.js';
import { toQuery } from '../src/controllers/leads.controller.js';
import { parseRoute } from '../src/controllers/route.controller.js';
import { embedSnippet, leadSummary } from '../src/format.js';
import { LOCALES } from '../src/i18n/index.js';

const draft = (): Draft => structuredClone(STARTER) as unknown as Draft;

t.test('form edits keep the field order and check names', async (t) => {
  const d = addField(draft());
  t.same(
    fieldEntries(d.draft).map((e) => e.name),
    ['name', 'email', 'field_3'],
    'a new field goes last, with a free name',
  );
  const renamed = renameField(d.draft, d.index, 'company')!;
  t.same(
    fieldEntries(renamed).map((e) => e.name),
    ['name', 'email', 'company'],
    'renamed in place',
  );
  t.equal(renameField(renamed, 2, 'email'), null, 'a taken name is refused');
  t.equal(renameField(renamed, 2, ''), null, 'an empty one too');
  const moved = moveField(renamed, 2, -1);
  t.same(
    fieldEntries(moved).map((e) => e.name),
    ['name', 'company', 'email'],
  );
  t.equal(moveField(moved, 0, -1), moved, 'the first field cannot go up');
  t.same(
    fieldEntries(removeField(moved, 0)).map((e) => e.name),
    ['company', 'email'],
  );
  const required = setFieldProp(renamed, 2, 'required', true);
  t.same((required.fields as Record<string, unknown>).company, { type: 'string', required: true });
  t.same((setFieldProp(required, 2, 'required', undefined).fields as Record<string, unknown>).company, { type: 'string' }, 'undefined removes a keyword');
  const typed = setFieldType(setFieldProp(setFieldProp(renamed, 1, 'minLength', 3), 1, 'description', 'mail'), 1, 'number');
  t.same((typed.fields as Record<string, unknown>).email, { type: 'number', description: 'mail', required: true }, 'a number keeps no string keywords');
  t.same(placeholders(renamed), ['{name}', '{email}', '{company}']);
});

t.test('other edits, and comparing versions', async (t) => {
  t.same(parseEnum('flat, pitched ,, unknown', 'string'), ['flat', 'pitched', 'unknown']);
  t.same(parseEnum('1, 2.5, x', 'number'), [1, 2.5, 'x'], 'what is not a number stays for the validator to flag');
  t.equal(parseEnum(' , ', 'string'), undefined, 'empty: no enum');
  const noAssistant = setAssistant(setAssistant(draft(), 'name', ''), 'persona', '');
  t.notOk('assistant' in noAssistant, 'an empty assistant goes');
  const stored = { ...STARTER, id: 'lead', version: 3 };
  t.same(Object.keys(toBody(toDraft(stored) as Draft)).includes('id'), false, 'id and version are the server’s');
  const reordered = {
    complete: STARTER.complete,
    fields: { name: { required: true, description: 'full name', type: 'string' }, email: STARTER.fields.email },
    greeting: STARTER.greeting,
    assistant: STARTER.assistant,
  };
  t.ok(sameTemplate(toDraft(stored), reordered), 'the order of keywords does not matter');
  const swapped = { ...reordered, fields: { email: STARTER.fields.email, name: STARTER.fields.name } };
  t.notOk(sameTemplate(toDraft(stored), swapped), 'the order of fields does');
});

t.test('the shared validator puts each problem at its path', async (t) => {
  t.same(checkDraft('lead', draft()), [], 'the starter is valid');
  const d = draft() as { fields: Record<string, Record<string, unknown>>; complete: string };
  d.complete = 'Thanks {nobody}';
  d.fields.budget = { type: 'number', minimum: 10, maximum: 5 };
  d.fields.code = { type: 'string', pattern: '(a)\\1' };
  d.fields.email!.format = 'mail';
  const paths = checkDraft('lead', d as unknown as Draft).map((e) => e.path);
  t.ok(paths.includes('/fields/email/format'), 'an unknown format');
  const d2 = structuredClone(d);
  d2.fields.email!.format = 'email';
  t.same(
    checkDraft('lead', d2 as unknown as Draft)
      .map((e) => e.path)
      .sort(),
    ['/complete', '/fields/budget/minimum', '/fields/code/pattern'],
  );
  t.same(
    checkDraft('bad id!', draft()).map((e) => e.path),
    ['/id'],
    'the template id is checked too',
  );
});

t.test('the browser pattern check agrees with RE2', async (t) => {
  const patterns = [
    '^[A-Z]{2}\\d{4}$',
    '^(\\w+\\s?)*$',
    '(a)\\1',
    '(?<x>a)\\k<x>',
    'foo(?=bar)',
    'foo(?!bar)',
    '(?<=a)b',
    '(?<!a)b',
    '[(?=]x',
    '\\(?=x\\)',
    '^\\+?[0-9 ]{7,15}$',
    '(unclosed',
    '[\\1]',
    'a{2,3}?',
    '^(?:a|b)+$',
    '(?<name>a)b',
  ];
  for (const p of patterns) t.equal(inBrowser(p) === null, onRe2(p) === null, `${p}: ${onRe2(p) === null ? 'runs' : 'refused'} on both`);
});

t.test('origins, filters, routes, snippet, summary', async (t) => {
  t.same(parseOrigins('https://a.example\nhttp://localhost:8080, https://a.example'), { ok: true, origins: ['https://a.example', 'http://localhost:8080'] });
  t.same(parseOrigins('https://a.example/path'), { ok: false, problem: 'invalid', origin: 'https://a.example/path' });
  t.same(parseOrigins('https://a.example/'), { ok: false, problem: 'invalid', origin: 'https://a.example/' }, 'no trailing slash');
  t.same(parseOrigins('ftp://a.example'), { ok: false, problem: 'invalid', origin: 'ftp://a.example' });
  t.same(parseOrigins('  '), { ok: false, problem: 'empty' });

  const q = toQuery({ status: 'complete', site: 'web', from: '2026-03-01', to: '2026-03-31' });
  t.same(
    q,
    { status: 'complete', site: 'web', since: new Date(2026, 2, 1).toISOString(), until: new Date(2026, 3, 1).toISOString() },
    'the last day is included',
  );
  t.same(toQuery({ status: '', site: '', from: '', to: '' }), {});

  t.same(parseRoute(''), { view: 'sites' });
  t.same(parseRoute('#/templates/lead-intake'), { view: 'template', id: 'lead-intake' });
  t.same(parseRoute('#/leads/sub_abc'), { view: 'lead', id: 'sub_abc' });
  t.same(parseRoute('#/webhook/x'), { view: 'not-found' });

  t.equal(
    embedSnippet('https://chat.example', 'pk_1'),
    '<script type="module" src="https://chat.example/widget.js"></script>\n<chat-widget site-key="pk_1"></chat-widget>',
  );
  t.equal(leadSummary({ name: 'Ann', email: '', n: 3, a: true, b: 'x', c: 'y' }), 'name: Ann · n: 3 · a: true · b: x · …');
});

t.test('every language says everything', async (t) => {
  const keys = Object.keys(LOCALES.en!).sort();
  for (const [lang, strings] of Object.entries(LOCALES)) {
    t.same(Object.keys(strings).sort(), keys, `${lang}: every string`);
    if (lang !== 'en') t.notSame(strings.navTemplates, LOCALES.en!.navTemplates, `${lang}: translated`);
  }
});
