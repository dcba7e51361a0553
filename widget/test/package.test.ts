// The widget as a package, after `npm run build -w widget`: every path package.json names exists,
// the ESM build leaves Lit to the app (and imports nothing private), the types reach no private
// package, the manifest describes <chat-widget>, and `files` ships what `exports` names.
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT } from './helper.js';

const DIR = join(ROOT, 'widget');
const pkg = JSON.parse(readFileSync(join(DIR, 'package.json'), 'utf8')) as {
  exports: Record<string, string | Record<string, string>>;
  types: string;
  module: string;
  customElements: string;
  files: string[];
  dependencies: Record<string, string>;
  private?: boolean;
};
if (!existsSync(join(DIR, 'dist/index.js'))) throw new Error('widget/dist is missing: run `npm run build -w widget` first');

t.test('every path package.json names is a built file', async (t) => {
  const targets = Object.values(pkg.exports).flatMap((v) => (typeof v === 'string' ? [v] : Object.values(v)));
  for (const p of [...targets, pkg.types, pkg.module, pkg.customElements]) t.ok(existsSync(join(DIR, p)), `${p} exists`);
  const root = pkg.exports['.'] as Record<string, string>;
  t.equal(root.types, pkg.types, 'the root export carries the types');
  t.equal(pkg.exports['./widget.js'], './dist/widget.js', 'the CDN bundle the gateway serves is exported');
  t.notOk(pkg.private, 'publishable');
});

t.test('the package resolves by name, as an app would import it', async (t) => {
  // Node resolves the workspace link through `exports`; only the path is checked (the module needs a DOM).
  const out = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', "console.log(import.meta.resolve('@chat/widget'), import.meta.resolve('@chat/widget/custom-elements.json'))"],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  const [main, manifest] = out
    .trim()
    .split(' ')
    .map((u) => normalize(new URL(u).pathname));
  t.equal(main, join(DIR, 'dist/index.js'));
  t.equal(manifest, join(DIR, 'dist/custom-elements.json'));
});

t.test('the ESM build imports lit and inlines nothing of it; the CDN bundle has Lit inside', async (t) => {
  const esm = readFileSync(join(DIR, pkg.module), 'utf8');
  const imports = [...esm.matchAll(/^import\s[^'"]*from\s*["']([^"']+)["']/gm)].map((m) => m[1]!);
  t.ok(imports.includes('lit'), 'imports lit');
  for (const spec of imports) {
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
    t.ok(name in pkg.dependencies, `${spec} is a dependency`);
  }
  t.notMatch(esm, /class ReactiveElement|lit-html\/|@license[\s\S]*Google LLC/, "no copy of Lit's own code");
  t.notMatch(esm, /@chat\/shared/, 'the private contract package is inlined, not imported');
  const cdn = readFileSync(join(DIR, 'dist/widget.js'), 'utf8');
  t.notMatch(cdn, /^import\s/m, 'the CDN bundle imports nothing');
  t.match(cdn, /Google LLC/, "and carries Lit's license notice");
});

t.test("Lit's templates are minified in both builds", async (t) => {
  for (const file of ['dist/widget.js', 'dist/index.js']) {
    const js = readFileSync(join(DIR, file), 'utf8');
    t.match(js, /<section id="panel" class="panel" part="panel"/, `${file}: the panel's template is there`);
    t.notMatch(js, />\s*\n\s*</, `${file}: no layout whitespace between tags`);
    t.match(js, /:host\{/, `${file}: the styles are minified`);
  }
});

t.test('the types a consumer loads reach no private package', async (t) => {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/(?:from|import\()\s*["']([^"']+)["']/g)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.d.ts')));
      else t.ok(spec === 'lit' || spec.startsWith('lit/'), `${file.slice(DIR.length + 1)} imports ${spec}`);
    }
  };
  visit(join(DIR, pkg.types));
  t.ok(seen.has(join(DIR, 'dist/types/events.d.ts')), 'the event types are reachable');
  t.match(readFileSync(join(DIR, 'dist/types/chat-widget.component.d.ts'), 'utf8'), /getToken: \(\(\) => Promise<string>\) \| undefined/);
});

t.test('the Custom Elements Manifest describes <chat-widget>', async (t) => {
  interface Decl {
    tagName?: string;
    attributes?: Array<{ name: string; fieldName?: string }>;
    events?: Array<{ name: string }>;
    cssParts?: Array<{ name: string }>;
    cssProperties?: Array<{ name: string }>;
  }
  const manifest = JSON.parse(readFileSync(join(DIR, pkg.customElements), 'utf8')) as {
    schemaVersion: string;
    modules: Array<{ path: string; declarations?: Decl[]; exports?: Array<{ kind: string; name: string }> }>;
  };
  const el = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'chat-widget');
  if (!el) return t.fail('chat-widget is declared');
  t.same(
    el.attributes?.map((a) => a.name),
    ['site-key', 'api', 'title', 'position', 'open', 'lang', 'show-progress', 'theme', 'context'],
    'its attributes, and no internal state',
  );
  t.equal(el.attributes?.find((a) => a.name === 'site-key')?.fieldName, 'siteKey');
  t.same(
    el.events?.map((e) => e.name),
    ['chat-widget-open', 'chat-widget-close', 'chat-widget-message', 'chat-widget-complete'],
  );
  t.ok(el.cssParts?.some((p) => p.name === 'launcher') && el.cssParts.some((p) => p.name === 'stop-button'), 'its parts');
  t.ok(
    el.cssProperties?.some((p) => p.name === '--chat-widget-accent'),
    'its custom properties',
  );
  const definition = manifest.modules.flatMap((m) => m.exports ?? []).find((e) => e.kind === 'custom-element-definition');
  t.equal(definition?.name, 'chat-widget', 'the entry module defines the tag');
});

t.test('`files` ships what package.json points at', async (t) => {
  const shipped = (p: string) => pkg.files.some((f) => normalize(p.replace(/^\.\//, '')).startsWith(normalize(f)));
  const targets = Object.values(pkg.exports).flatMap((v) => (typeof v === 'string' ? [v] : Object.values(v)));
  for (const p of [...targets, pkg.types, pkg.customElements]) if (p !== './package.json') t.ok(shipped(p), `${p} is in files`);
});
