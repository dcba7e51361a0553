/**
 * `npm run build -w console`: one minified ES module with Lit inside, dist/console.js, which the
 * gateway serves at /console.js (the page is console/index.html, at /console). The shared template
 * validator comes precompiled and without RE2 (build-plugins.ts): no eval, no wasm, no Node.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { browserLinearRegex, precompiledAjv } from './build-plugins.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const outfile = `${here}dist/console.js`;

await build({
  entryPoints: [`${here}src/chat-console.ts`],
  outfile,
  bundle: true,
  format: 'esm',
  minify: true,
  target: ['es2022', 'chrome111', 'firefox113', 'safari16.4'],
  legalComments: 'eof',
  sourcemap: false,
  plugins: [browserLinearRegex, precompiledAjv],
  logLevel: 'warning',
  // @chat/shared from its TypeScript sources (its package.json "chat-source" condition), as in development;
  // 'module' is esbuild's default condition, kept.
  conditions: ['chat-source', 'module'],
});

const bytes = readFileSync(outfile);
const gz = gzipSync(bytes, { level: 9 }).length;
console.log(`console/dist/console.js: ${(bytes.length / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzip`);
