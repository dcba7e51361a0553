/**
 * The browser's stand-in for shared/src/linear-regex.ts (swapped in by build.ts): the console runs
 * the shared template validator as the customer types, but re2-wasm needs Node. RE2 refuses what
 * needs backtracking, that is backreferences and lookaround; this refuses the same constructs by
 * reading the pattern. The gateway checks again with RE2 itself when a draft is previewed or
 * published, and the console shows its answer at the same path.
 */

/** Backreferences (`\1`, `\k<name>`) and lookaround (`(?=`, `(?!`, `(?<=`, `(?<!`), outside classes and escapes. */
function backtrackingConstruct(pattern: string): string | null {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(next)) return `backreference \\${next}`;
      if (!inClass && next === 'k' && pattern[i + 2] === '<') return 'named backreference';
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(' && pattern[i + 1] === '?') {
      const a = pattern[i + 2];
      const b = pattern[i + 3];
      if (a === '=' || a === '!') return 'lookahead';
      if (a === '<' && (b === '=' || b === '!')) return 'lookbehind';
    }
  }
  return null;
}

/** Same contract as the Node module: null when the pattern can run in linear time, else why not. */
export function checkLinearPattern(pattern: string): string | null {
  try {
    new RegExp(pattern, 'u');
  } catch {
    return 'pattern is not a valid regular expression';
  }
  const why = backtrackingConstruct(pattern);
  return why ? `pattern needs backtracking (a backreference or lookaround), which cannot run in linear time on visitor text (${why})` : null;
}

/** Only the value validators use it (never the console): plain RegExp. */
export const linearRegExp: ((pattern: string, flags: string) => RegExp) & { code: string } = Object.assign(
  (pattern: string, flags: string) => new RegExp(pattern, flags.includes('u') ? flags : `${flags}u`),
  { code: '' },
);
