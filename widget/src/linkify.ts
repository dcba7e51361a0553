/**
 * Model output is text. The only markup the widget ever derives from it is a link, and only
 * for http(s) URLs: the result is a list of parts that the component renders as Lit text
 * bindings and <a> elements, so nothing in a reply is ever parsed as HTML.
 */

export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// Only absolute http(s) URLs: `javascript:`, `data:` and friends never match, so they stay text.
const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
// Punctuation that ends a sentence more often than it ends a URL.
const TRAILING = /[.,;:!?)\]}'"]+$/;

/**
 * An http(s) URL's href, or null. A URL with a `user@` part (even an empty one, `https://@host`) is
 * refused: `https://bank.example@evil.example` reads as the bank and opens evil.example.
 */
export function safeHref(candidate: string): string | null {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(candidate)?.[1] ?? '';
  // Backslashes count as slashes for http(s) (WHATWG URL): "https://a\\@b" has no user part, but refuse it anyway.
  if (authority.includes('@') || authority.includes('\\')) return null;
  try {
    const url = new URL(candidate);
    if (url.username || url.password) return null;
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    let raw = m[0];
    const trail = TRAILING.exec(raw);
    // Keep a closing parenthesis that closes one opened inside the URL (Wikipedia-style links).
    if (trail) {
      let cut = trail[0];
      if (cut.startsWith(')') && (raw.match(/\(/g)?.length ?? 0) > (raw.slice(0, -cut.length).match(/\)/g)?.length ?? 0)) {
        cut = cut.slice(1);
      }
      raw = raw.slice(0, raw.length - cut.length);
    }
    const start = m.index ?? 0;
    const href = safeHref(raw);
    if (!href) continue;
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    parts.push({ kind: 'link', text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}
