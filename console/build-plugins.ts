/**
 * The esbuild plugins that let the console run the shared template validator (`validateTemplate`
 * from @chat/shared) in the browser, unchanged, under a strict Content-Security-Policy:
 *
 * - `ajv`: shared/src/template.ts compiles the template meta-schema with Ajv when imported, and Ajv
 *   compiles by generating code for `new Function`, which a CSP without 'unsafe-eval' (and Trusted
 *   Types) refuses. Here the same schema is compiled at build time, with the options of shared's own
 *   `createAjv`, into Ajv's standalone code; the bundle gets a stand-in `ajv` whose `compile()` hands
 *   out that function (and refuses any other schema: the console validates nothing else). Ajv itself
 *   stays out of the bundle.
 * - `linear-regex`: its pattern check runs RE2 through re2-wasm and Node's `require`; the browser gets
 *   src/shims/linear-regex.ts, which refuses the same constructs. The gateway re-checks with RE2.
 */
import type { Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';
import standalone from 'ajv/dist/standalone/index.js';
import { createAjv, templateSchema } from '@chat/shared';

const here = fileURLToPath(new URL('.', import.meta.url));
const fromShared = (importer: string) => /[\\/]shared[\\/]src[\\/]/.test(importer);

// ajv/dist/standalone is CommonJS: under NodeNext its default export may arrive wrapped.
const standaloneCode = ((standalone as unknown as { default?: unknown }).default ?? standalone) as (ajv: unknown, v: unknown) => string;

/** ES module source: the meta-schema's validator, precompiled, behind the slice of Ajv's API template.ts uses. */
export function precompiledAjvSource(): string {
  const ajv = createAjv({ linear: false });
  ajv.opts.code.source = true;
  ajv.opts.code.esm = true;
  const code = standaloneCode(ajv, ajv.compile(templateSchema));
  return `${code}
const PRECOMPILED = ${JSON.stringify(templateSchema.$id)};
export class Ajv {
  compile(schema) {
    if (schema && schema.$id === PRECOMPILED) return validate;
    throw new Error('The console carries only the template meta-schema precompiled (see console/build-plugins.ts).');
  }
  addFormat() {
    return this;
  }
}
`;
}

export const precompiledAjv: Plugin = {
  name: 'precompiled-ajv',
  setup(b) {
    b.onResolve({ filter: /^ajv(-formats)?$/ }, (args) => (fromShared(args.importer) ? { path: args.path, namespace: 'precompiled-ajv' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'precompiled-ajv' }, (args) => ({
      contents: args.path === 'ajv' ? precompiledAjvSource() : 'export default function addFormats(ajv) { return ajv; }\n',
      loader: 'js',
      // The standalone code requires one Ajv runtime helper (ucs2length), bundled from node_modules.
      resolveDir: here,
    }));
  },
};

export const browserLinearRegex: Plugin = {
  name: 'browser-linear-regex',
  setup(b) {
    b.onResolve({ filter: /(^|\/)linear-regex(\.js)?$/ }, (args) => (fromShared(args.importer) ? { path: `${here}src/shims/linear-regex.ts` } : undefined));
  },
};
