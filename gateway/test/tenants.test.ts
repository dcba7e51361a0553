import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { parseTenants, TenantsError } from '../src/tenants.js';
import { EXAMPLE_TENANTS, exampleTenants } from './helpers.js';

const defaults = { turnsPerMinute: 20, sessionsPerHour: 30, platformIssuer: 'chat-gateway' };
const example = () => JSON.parse(readFileSync(EXAMPLE_TENANTS, 'utf8'));

t.test('the example file: two tenants, different templates, site keys, exact origins', async (t) => {
  const reg = exampleTenants();
  t.same([...reg.tenants.keys()], ['acme', 'globex']);
  const acme = reg.bySiteKey.get('pk_acme_web')!;
  const globex = reg.bySiteKey.get('pk_globex_web')!;
  t.equal(acme.tenantId, 'acme');
  t.equal(acme.template.id, 'lead-intake');
  t.equal(globex.template.id, 'support-ticket');
  t.same(Object.keys(globex.template.fields).sort(), ['delivered', 'email', 'issue', 'name', 'order']);
  t.equal(globex.template.fields.order!.type, 'integer');
  t.ok(acme.origins.includes('http://localhost:3000'));
  t.ok(acme.origins.includes('https://acme.example'));
  t.ok(reg.allOrigins.has('https://globex.example'));
});

t.test("the acme template is the brief's, copied exactly", async (t) => {
  const acme = exampleTenants().bySiteKey.get('pk_acme_web')!.template;
  // The repo keeps a copy of the brief's example; the brief itself sits beside the repo when present.
  const fixture = readFileSync(new URL('../../engine/test/fixtures/lead-intake.json', import.meta.url), 'utf8');
  t.same(acme, JSON.parse(fixture), 'the same as the repo fixture');
  const briefUrl = new URL('../../../shared/brief/architecture.md', import.meta.url);
  if (!existsSync(briefUrl)) return;
  const m = /```json\n(\{\n {2}"id": "lead-intake"[\s\S]*?\n\})\n```/.exec(readFileSync(briefUrl, 'utf8'));
  if (!m) return t.fail('the brief has no lead-intake template block');
  t.same(acme, JSON.parse(m[1]!), 'the same as the brief');
  t.equal(fixture.trim(), m[1], 'the fixture is the brief, byte for byte');
});

const bad: Array<[string, (d: any) => void, RegExp]> = [
  ['origin with a path', (d) => (d.tenants[0].sites[0].origins[1] = 'https://acme.example/shop'), /tenants\[0\]\.sites\[0\]\.origins\[1\]/],
  ['wildcard origin', (d) => (d.tenants[1].sites[0].origins[0] = 'https://*.globex.example'), /tenants\[1\]\.sites\[0\]\.origins\[0\]/],
  ['star origin', (d) => (d.tenants[0].sites[0].origins[0] = '*'), /tenants\[0\]\.sites\[0\]\.origins\[0\]/],
  ['trailing slash', (d) => (d.tenants[0].sites[0].origins[0] = 'https://acme.example/'), /origins\[0\]/],
  ['short identitySecret', (d) => (d.tenants[0].identitySecret = 'short'), /tenants\[0\]\.identitySecret: must be at least 32/],
  ['duplicate site key', (d) => (d.tenants[1].sites[0].siteKey = 'pk_acme_web'), /tenants\[1\]\.sites\[0\]\.siteKey: duplicate/],
  ['unknown template', (d) => (d.tenants[0].sites[0].template = 'nope'), /tenants\[0\]\.sites\[0\]\.template/],
  [
    'bad template field type',
    (d) => (d.tenants[0].templates['lead-intake'].fields.email.type = 'text'),
    /tenants\[0\]\.templates\["lead-intake"\]\.fields\.email\.type/,
  ],
  ['template id differs from its key', (d) => (d.tenants[1].templates['support-ticket'].id = 'other'), /tenants\[1\]\.templates\["support-ticket"\]\.id/],
  ['bad limit', (d) => (d.tenants[0].limits.turnsPerMinute = 0), /tenants\[0\]\.limits\.turnsPerMinute/],
  ['unknown key', (d) => (d.tenants[0].sites[0].extra = 1), /tenants\[0\]\.sites\[0\]\.extra: unknown key/],
  ['duplicate tenant', (d) => (d.tenants[1].id = 'acme'), /tenants\[1\]\.id: duplicate/],
];

for (const [name, mutate, re] of bad) {
  t.test(`refused, naming the key: ${name}`, async (t) => {
    const d = example();
    mutate(d);
    t.throws(() => parseTenants(d, defaults), re);
    t.throws(() => parseTenants(d, defaults), TenantsError);
  });
}

t.test('limits default from config when a tenant omits them', async (t) => {
  const d = example();
  delete d.tenants[1].limits;
  t.same(parseTenants(d, defaults).tenants.get('globex')!.limits, { turnsPerMinute: 20, sessionsPerHour: 30 });
});
