/**
 * The visitor context sent with a session's first turn: where the visitor is, trimmed to what a
 * lead may keep. The page URL is its origin and path with only the `utm_*` query keys; the
 * referrer is an origin; the site's own facts come from the element's `context` attribute.
 */

import type { ContextValue, VisitorContext } from '@chat/shared';

export type { ContextValue, VisitorContext };

/** Longest `context` attribute accepted, in bytes of JSON. */
export const CONTEXT_ATTRIBUTE_MAX_BYTES = 1024;

export interface PageFacts {
  href: string;
  referrer: string;
  language: string;
}

function parse(url: string): URL | undefined {
  try {
    const u = new URL(url);
    return /^https?:$/.test(u.protocol) ? u : undefined;
  } catch {
    return undefined;
  }
}

/** Origin + path + only the `utm_*` query keys; none past the contract's 2048 characters. */
export function pageUrl(href: string): string | undefined {
  const u = parse(href);
  if (!u) return undefined;
  const utm = new URLSearchParams([...u.searchParams].filter(([k]) => k.startsWith('utm_'))).toString();
  const url = u.origin + u.pathname + (utm ? `?${utm}` : '');
  return url.length <= 2048 ? url : undefined;
}

/**
 * The `context` attribute: a flat JSON object of strings, numbers and booleans (at most 32 keys,
 * the contract's cap), at most 1024 bytes; otherwise null, with a console warning.
 */
export function parseAttributes(attr: string | null, warn: (message: string) => void): Record<string, ContextValue> | null {
  if (!attr?.trim()) return null;
  try {
    const value: unknown = JSON.parse(attr);
    const entries = Object.entries(value as object);
    if (
      new TextEncoder().encode(attr).length <= CONTEXT_ATTRIBUTE_MAX_BYTES &&
      typeof value == 'object' &&
      !Array.isArray(value) &&
      entries.length <= 32 &&
      entries.every(([, v]) => typeof v == 'string' || typeof v == 'boolean' || Number.isFinite(v))
    )
      return value as Record<string, ContextValue>;
  } catch {
    // not JSON, or null
  }
  warn(`<chat-widget> context ignored: not a flat JSON object of strings, numbers, booleans in ${CONTEXT_ATTRIBUTE_MAX_BYTES} bytes`);
  return null;
}

/** The context for a first turn; undefined when there is nothing to say. */
export function visitorContext(page: PageFacts, attr: string | null, warn: (message: string) => void = console.warn): VisitorContext | undefined {
  const out: VisitorContext = {};
  const url = pageUrl(page.href);
  const referrer = parse(page.referrer)?.origin;
  const attributes = parseAttributes(attr, warn);
  if (url) out.url = url;
  if (referrer) out.referrer = referrer;
  // The contract's cap on a language tag.
  if (page.language && page.language.length <= 35) out.language = page.language;
  if (attributes && Object.keys(attributes).length) out.attributes = attributes;
  return Object.keys(out).length ? out : undefined;
}
