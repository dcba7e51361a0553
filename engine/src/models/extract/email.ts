import { type Hit, matchAll } from './hits.js';

/**
 * Anything with an @ is an attempt at an email: the caller validates, so "ann@example" is reported as invalid.
 * It starts only where a run of address characters starts (the lookbehind): trying every position
 * inside a long run without an @ would rescan the run from each one (quadratic).
 */
const AT_TOKEN = /(?<![^\s<>()[\],;:"'@])(?:mailto:)?[^\s<>()[\],;:"'@]*@[^\s<>()[\],;:"']*/gi;
/**
 * "ann at example dot com", only believed when the email was just asked for. Linear: it starts only at
 * the start of a run of name characters, and no two quantifiers can share the same spaces (`\s*` next
 * to `\s+` would try every split of a long run of spaces).
 */
const SPELLED = /(?<![\w.+-])([\w.+-]+)(?:\s*(?:\(at\)|\[at\])\s*|\s+at\s+)([\w-]+(?:(?:\s*(?:\.|\(dot\)|\[dot\])\s*|\s+dot\s+)[\w-]+)+)/gi;

function tidy(raw: string): string {
  return raw.replace(/^mailto:/i, '').replace(/[.!?]+$/, '');
}

export function findEmails(text: string, asked = false): Hit<string>[] {
  const hits: Hit<string>[] = [];
  for (const m of matchAll(text, AT_TOKEN)) {
    const value = tidy(m[0]);
    if (value.length < 2) continue; // a lone "@" is no attempt
    const lead = m[0].length - m[0].replace(/^mailto:/i, '').length;
    hits.push({ value: lowerDomain(value), start: m.index + lead, end: m.index + lead + value.length });
  }
  if (hits.length || !asked) return hits;
  for (const m of matchAll(text, SPELLED)) {
    const domain = (m[2] ?? '').replace(/\s*(?:\(dot\)|\[dot\]|\.)\s*|\s+dot\s+/gi, '.');
    hits.push({ value: lowerDomain(`${m[1]}@${domain}`), start: m.index, end: m.index + m[0].length });
  }
  return hits;
}

/** Domains are case-insensitive; the local part may not be, so it is kept as typed. */
function lowerDomain(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? email : email.slice(0, at + 1) + email.slice(at + 1).toLowerCase();
}
