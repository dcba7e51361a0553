/**
 * `npm run build -w widget` builds the package:
 * - dist/widget.js: the CDN bundle, one minified ES module with Lit and everything else inside,
 *   which the gateway serves at /widget.js. Prints its gzipped size (the README states it).
 * - dist/index.js: the ESM build for bundlers, `lit` and `eventsource-parser` left as imports
 *   (they are dependencies); the private @chat/shared contract code it uses is inlined.
 * - dist/types/: `.d.ts` files (tsc, declarations only; tsconfig.build.json).
 * - dist/custom-elements.json: the Custom Elements Manifest (@custom-elements-manifest/analyzer,
 *   with its Lit support), from the element's JSDoc (@attr, @fires, @csspart, @cssprop).
 *
 * Lit's html`` and css`` templates are minified by esbuild-plugin-minify-html-literals (a
 * maintained plugin); the widget/README "Size" section has the numbers against no minifier.
 */
import { build, type BuildOptions } from 'esbuild';
import { minifyHTMLLiteralsPlugin } from 'esbuild-plugin-minify-html-literals';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = fileURLToPath(new URL('.', import.meta.url));
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(`${here}package.json`, 'utf8')) as { dependencies: Record<string, string> };

const common: BuildOptions = {
  entryPoints: [`${here}src/chat-widget.ts`],
  bundle: true,
  format: 'esm',
  target: ['es2022', 'chrome100', 'firefox100', 'safari15.4'],
  // Lit's license notices stay, once each, at the end of the file.
  legalComments: 'eof',
  sourcemap: false,
  plugins: [minifyHTMLLiteralsPlugin({ filter: /chat-widget\.(component|styles)\.ts$/ })],
  logLevel: 'warning',
  // @chat/shared (inlined) from its TypeScript sources (its "chat-source" condition), as in
  // development; 'module' is esbuild's default condition, kept.
  conditions: ['chat-source', 'module'],
};

// The CDN bundle: everything inside.
const cdn = `${here}dist/widget.js`;
await build({
  ...common,
  outfile: cdn,
  minify: true,
  // Our private reactive state is named _x; Lit's own internals never match this pattern.
  mangleProps: /^_[a-z]/,
});

// The ESM build: the package's dependencies stay imports, so an app shares one Lit.
await build({
  ...common,
  outfile: `${here}dist/index.js`,
  external: Object.keys(pkg.dependencies).flatMap((d) => [d, `${d}/*`]),
});

// Declarations, then the manifest (the analyzer reads the sources' JSDoc).
const bin = (mod: string, file: string) => require.resolve(`${mod}/${file}`);
execFileSync(process.execPath, [bin('typescript', 'bin/tsc'), '-p', `${here}tsconfig.build.json`], { stdio: 'inherit' });
execFileSync(
  process.execPath,
  [
    bin('@custom-elements-manifest/analyzer', 'cem.js'),
    'analyze',
    '--litelement',
    '--globs',
    'src/chat-widget.component.ts',
    'src/chat-widget.ts',
    '--outdir',
    'dist',
  ],
  { cwd: here, stdio: 'inherit' },
);

// The analyzer lists Lit's internal reactive state (`_draft: {state: true}`) as an attribute: it is none.
const manifestFile = `${here}dist/custom-elements.json`;
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { modules: Array<{ declarations?: Array<{ attributes?: Array<{ name: string }> }> }> };
for (const d of manifest.modules.flatMap((m) => m.declarations ?? [])) if (d.attributes) d.attributes = d.attributes.filter((a) => !a.name.startsWith('_'));
writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);

const bytes = readFileSync(cdn);
const gz = gzipSync(bytes, { level: 9 }).length;
console.log(`widget/dist/widget.js: ${(bytes.length / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzip`);
