/**
 * An esbuild plugin that strips the indentation out of Lit's html`` and css`` templates, which
 * esbuild leaves as they are (it cannot know they are markup). Whitespace inside a template
 * that only formats the source is removed; whitespace that separates attributes or words stays
 * as one space.
 */
import type { Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';

function minifyHtml(chunk: string): string {
  return chunk.replace(/\s*\n\s*/g, (ws, offset: number, all: string) => {
    const before = all[offset - 1];
    const after = all[offset + ws.length];
    return before === '>' || after === '<' ? '' : ' ';
  });
}

function minifyCss(chunk: string): string {
  return chunk
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,])\s*/g, '$1')
    .replace(/:\s+/g, ':')
    .replace(/;}/g, '}')
    .trim();
}

/** Copy a template literal starting at src[i] === '`', minifying its static parts when `kind` is set. */
function template(src: string, i: number, kind: 'html' | 'css' | null): [string, number] {
  let out = '`';
  let chunk = '';
  const flush = () => {
    out += kind === 'html' ? minifyHtml(chunk) : kind === 'css' ? minifyCss(chunk) : chunk;
    chunk = '';
  };
  let j = i + 1;
  while (j < src.length) {
    const c = src[j];
    if (c === '\\') {
      chunk += src.slice(j, j + 2);
      j += 2;
    } else if (c === '`') {
      flush();
      return [out + '`', j + 1];
    } else if (c === '$' && src[j + 1] === '{') {
      flush();
      const [expr, end] = expression(src, j + 2);
      out += '${' + expr;
      j = end;
    } else {
      chunk += c;
      j++;
    }
  }
  throw new Error('unterminated template literal');
}

/** Copy a `${...}` expression body up to and including its closing brace. */
function expression(src: string, i: number): [string, number] {
  let out = '';
  let depth = 1;
  let j = i;
  while (j < src.length) {
    const c = src[j] as string;
    if (c === '`') {
      const tag = /(html|css)\s*$/.exec(out)?.[1] as 'html' | 'css' | undefined;
      const [t, end] = template(src, j, tag ?? null);
      out += t;
      j = end;
    } else if (c === "'" || c === '"') {
      let k = j + 1;
      while (k < src.length && src[k] !== c) k += src[k] === '\\' ? 2 : 1;
      out += src.slice(j, k + 1);
      j = k + 1;
    } else {
      if (c === '{') depth++;
      if (c === '}' && --depth === 0) return [out + '}', j + 1];
      out += c;
      j++;
    }
  }
  throw new Error('unterminated template expression');
}

export function minifyTemplates(src: string): string {
  let out = '';
  let last = 0;
  for (const m of src.matchAll(/\b(html|css)`/g)) {
    const start = (m.index ?? 0) + m[1]!.length;
    if (start < last) continue; // nested inside a template already handled
    const [t, end] = template(src, start, m[1] as 'html' | 'css');
    out += src.slice(last, start) + t;
    last = end;
  }
  return out + src.slice(last);
}

/** Applies to files whose path matches `filter` (the component and its styles). */
export function minifyTemplatesPlugin(filter: RegExp): Plugin {
  return {
    name: 'minify-lit-templates',
    setup(b) {
      b.onLoad({ filter }, async (args) => ({ contents: minifyTemplates(await readFile(args.path, 'utf8')), loader: 'ts' }));
    },
  };
}
