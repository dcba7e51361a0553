/**
 * `npm run build -w widget`: one minified ES module with Lit inside, dist/widget.js, which the
 * gateway serves at /widget.js. Prints the gzipped size (the README states it; aim <= 15 KB).
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { minifyTemplatesPlugin } from './build-minify-templates.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const outfile = `${here}dist/widget.js`;

await build({
  entryPoints: [`${here}src/chat-widget.ts`],
  outfile,
  bundle: true,
  format: 'esm',
  minify: true,
  target: ['es2022', 'chrome100', 'firefox100', 'safari15.4'],
  // Lit's license notices stay, once each, at the end of the file.
  legalComments: 'eof',
  sourcemap: false,
  plugins: [minifyTemplatesPlugin(/chat-widget\.(component|styles)\.ts$/)],
  // Our private reactive state is named _x; Lit's own internals never match this pattern.
  mangleProps: /^_[a-z]/,
  logLevel: 'warning',
  // @chat/shared from its TypeScript sources (its package.json "chat-source" condition), as in development;
  // 'module' is esbuild's default condition, kept.
  conditions: ['chat-source', 'module'],
});

const bytes = readFileSync(outfile);
const gz = gzipSync(bytes, { level: 9 }).length;
console.log(`widget/dist/widget.js: ${(bytes.length / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzip`);
