/**
 * The visitor context a widget sends with a session's first turn, cleaned before it is kept:
 * a page URL keeps its origin, path and `utm_*` query keys only (other query keys often carry
 * tokens or emails); a referrer keeps its origin; a language must look like a language tag; the
 * `context` attribute keeps the keys the site allows, within MAX_CONTEXT_BYTES. Nothing here is
 * trusted: it is what a browser said. The model sees only the keys its template lists.
 */
import type { ContextValue, Template, VisitorContext } from '@chat/shared';
import type { Site } from './tenants.js';

const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/;
const MAX_URL = 2048;
const MAX_VALUE_CHARS = 256;

function httpUrl(raw: string | undefined): URL | undefined {
  if (!raw) return undefined;
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined;
  } catch {
    return undefined;
  }
}

export function cleanPageUrl(raw: string | undefined): string | undefined {
  const u = httpUrl(raw);
  if (!u) return undefined;
  const utm = [...u.searchParams].filter(([k]) => /^utm_[a-z0-9_]{1,32}$/i.test(k));
  const query = utm.length ? `?${new URLSearchParams(utm).toString()}` : '';
  const out = `${u.origin}${u.pathname}${query}`;
  return out.length <= MAX_URL ? out : `${u.origin}${u.pathname}`.slice(0, MAX_URL);
}

export function cleanContext(input: VisitorContext | undefined, site: Site, maxBytes: number): VisitorContext {
  if (!input) return {};
  const out: VisitorContext = {};
  const url = cleanPageUrl(input.url);
  if (url) out.url = url;
  const referrer = httpUrl(input.referrer)?.origin;
  if (referrer) out.referrer = referrer;
  if (input.language && LANGUAGE.test(input.language)) out.language = input.language;
  const attributes: Record<string, ContextValue> = {};
  let bytes = 2;
  for (const key of site.allowedContext) {
    if (!input.attributes || !Object.hasOwn(input.attributes, key)) continue;
    let v = input.attributes[key]!;
    if (typeof v === 'string') v = v.slice(0, MAX_VALUE_CHARS);
    else if (typeof v === 'number' && !Number.isFinite(v)) continue;
    const size = Buffer.byteLength(JSON.stringify({ [key]: v })) - 1;
    if (bytes + size > maxBytes) continue;
    bytes += size;
    attributes[key] = v;
  }
  if (Object.keys(attributes).length) out.attributes = attributes;
  return out;
}

/** What the template lets the model see, flattened: url, referrer, language, then attribute keys. */
export function modelContext(ctx: VisitorContext, template: Template): Record<string, ContextValue> | undefined {
  const keys = template.contextKeys;
  if (!keys?.length) return undefined;
  const flat: Record<string, ContextValue | undefined> = { ...ctx.attributes, url: ctx.url, referrer: ctx.referrer, language: ctx.language };
  const out: Record<string, ContextValue> = {};
  for (const k of keys) if (Object.hasOwn(flat, k) && flat[k] !== undefined) out[k] = flat[k]!;
  return Object.keys(out).length ? out : undefined;
}
