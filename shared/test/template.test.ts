import t from 'tap';
import { validateTemplate, fillPlaceholders, requiredFields, fieldValidators, dataSchema } from '../src/index.js';

/** The example from the architecture brief, exactly as written there. */
export const briefTemplate = JSON.parse(`{
  "id": "lead-intake", "version": 1,
  "assistant": {"name": "Ava", "persona": "friendly concierge for Acme Solar", "language": "en"},
  "greeting": "Hi! I can get you a solar quote in a minute.",
  "fields": {
    "name":   {"type": "string", "description": "full name", "required": true},
    "email":  {"type": "string", "format": "email", "required": true},
    "phone":  {"type": "string", "format": "phone"},
    "budget": {"type": "number", "minimum": 0, "description": "monthly budget in USD"},
    "roof":   {"type": "string", "enum": ["flat", "pitched", "unknown"]},
    "start":  {"type": "string", "format": "date"}
  },
  "complete": "Thanks {name}! We'll email {email} within a day."
}`);

t.test('the brief example is accepted exactly as written', async (t) => {
  const r = validateTemplate(briefTemplate);
  t.ok(r.ok, JSON.stringify(r));
  t.same(requiredFields(briefTemplate), ['name', 'email']);
  t.same((dataSchema(briefTemplate) as { required: string[] }).required, ['name', 'email']);
});

t.test('errors name the JSON path', async (t) => {
  const bad = structuredClone(briefTemplate);
  bad.fields.email.type = 'strnig';
  bad.fields.roof.colour = 'red';
  delete bad.id;
  const r = validateTemplate(bad);
  t.notOk(r.ok);
  if (r.ok) return;
  const paths = r.errors.map((e) => e.path);
  t.ok(paths.includes('/fields/email/type'), paths.join(','));
  t.ok(paths.includes('/fields/roof/colour'), paths.join(','));
  t.ok(paths.includes('/id'), paths.join(','));
});

t.test('semantic checks: placeholders, enum types, bad regex', async (t) => {
  const bad = structuredClone(briefTemplate);
  bad.complete = 'Hi {nmae}';
  bad.fields.budget.enum = ['a'];
  bad.fields.name.pattern = '(';
  const r = validateTemplate(bad);
  t.notOk(r.ok);
  if (r.ok) return;
  t.same(r.errors.map((e) => e.path).sort(), ['/complete', '/fields/budget/enum', '/fields/name/pattern']);
});

t.test('non-objects and empty field sets are refused', async (t) => {
  for (const v of [null, 42, 'x', [], { id: 'a', version: 1, fields: {} }]) t.notOk(validateTemplate(v).ok, JSON.stringify(v));
});

t.test('field validators apply formats', async (t) => {
  const v = fieldValidators(briefTemplate);
  t.ok(v.email!('ann@example.com'));
  t.notOk(v.email!('ann@'));
  t.ok(v.phone!('+44 20 7946 0958'));
  t.notOk(v.phone!('12'));
  t.ok(v.start!('2027-03-01'));
  t.notOk(v.start!('2027-13-01'));
  t.notOk(v.budget!(-5));
  t.ok(v.roof!('flat'));
  t.notOk(v.roof!('round'));
});

t.test('fillPlaceholders fills known values and leaves the rest', async (t) => {
  t.equal(fillPlaceholders('Thanks {name}! {email} {x}', { name: 'Ann', email: 'a@b.co' }), 'Thanks Ann! a@b.co {x}');
});
