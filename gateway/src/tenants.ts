/**
 * The tenants file -> a typed, validated registry. Checked once at start-up; every error names
 * its key path (`tenants[0].sites[1].origins[0]`) so an operator can fix the file without a debugger.
 */
import { readFileSync } from 'node:fs';
import { validateTemplate, type Template } from '@chat/shared';
import { parseWebhook, type WebhookConfig } from './webhooks/config.js';

export interface TenantLimits {
  /** Per visitor (token subject). */
  turnsPerMinute: number;
  /** Per visitor (token subject). */
  sessionsPerHour: number;
}

export interface Site {
  id: string;
  siteKey: string;
  /** Exact origins (scheme://host[:port]) allowed to ask for tokens and to chat. */
  origins: string[];
  /** The latest version of the site's template: what a new session starts with. */
  template: Template;
  tenantId: string;
  /** Keys of the widget's `context` attribute this site keeps (others are dropped). */
  allowedContext: string[];
}

export interface Tenant {
  id: string;
  name: string;
  identitySecret: string | undefined;
  limits: TenantLimits;
  templates: Map<string, Template>;
  sites: Map<string, Site>;
  /** Where completed and abandoned sessions are POSTed (Standard Webhooks). */
  webhook: WebhookConfig | undefined;
}

export interface TenantRegistry {
  tenants: Map<string, Tenant>;
  bySiteKey: Map<string, Site>;
  /** Every origin of every site: what CORS may grant before a route knows the site. */
  allOrigins: Set<string>;
  /** The site a token names, when tenant and site agree. */
  site(tenantId: string, siteId: string): Site | undefined;
  /** A version of a tenant's template (a session keeps the version it started with). */
  template(tenantId: string, id: string, version: number): Promise<Template | undefined>;
}

export class TenantsError extends Error {
  constructor(path: string, problem: string) {
    super(`tenants file: ${path}: ${problem}`);
    this.name = 'TenantsError';
  }
}

const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const SITE_KEY = /^pk_[A-Za-z0-9_]{3,120}$/;
const CONTEXT_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON Pointer from the template validator -> the file's dotted path style. */
function pointerToPath(base: string, pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .reduce((p, seg) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(seg) ? `${p}.${seg}` : `${p}[${JSON.stringify(seg)}]`), base);
}

/**
 * An exact browser origin: http(s), a host, an optional port, nothing else. `new URL().origin`
 * normalises, so equality with the input refuses paths, trailing slashes, wildcards and upper case.
 */
export function isExactOrigin(o: string): boolean {
  try {
    const u = new URL(o);
    // WHATWG URL accepts `*` in a host; an origin here is a literal host name or IP, never a pattern.
    const literalHost = /^[a-z0-9.-]+$/.test(u.hostname) || /^\[[0-9a-f:.]+\]$/.test(u.hostname);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === o && literalHost;
  } catch {
    return false;
  }
}

function str(v: unknown, path: string, re?: RegExp): string {
  if (typeof v !== 'string' || v.length === 0) throw new TenantsError(path, 'must be a non-empty string');
  if (re && !re.test(v)) throw new TenantsError(path, `must match ${re}`);
  return v;
}

function posInt(v: unknown, path: string, def: number): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || (v as number) < 1) throw new TenantsError(path, 'must be a positive integer');
  return v as number;
}

export interface TenantDefaults {
  turnsPerMinute: number;
  sessionsPerHour: number;
  /** The platform's own issuer; a tenant may not share it (it selects the platform key). */
  platformIssuer: string;
}

export function parseTenants(input: unknown, defaults: TenantDefaults): TenantRegistry {
  if (!isObj(input) || !Array.isArray(input.tenants)) throw new TenantsError('tenants', 'must be an array');
  for (const k of Object.keys(input)) if (k !== 'tenants') throw new TenantsError(k, 'unknown key');
  if (input.tenants.length === 0) throw new TenantsError('tenants', 'must name at least one tenant');

  const tenants = new Map<string, Tenant>();
  const bySiteKey = new Map<string, Site>();
  const allOrigins = new Set<string>();
  const TENANT_KEYS = new Set(['id', 'name', 'identitySecret', 'limits', 'templates', 'sites', 'webhook']);
  const SITE_KEYS = new Set(['id', 'siteKey', 'origins', 'template', 'allowedContext']);

  input.tenants.forEach((t: unknown, ti: number) => {
    const tp = `tenants[${ti}]`;
    if (!isObj(t)) throw new TenantsError(tp, 'must be an object');
    for (const k of Object.keys(t)) if (!TENANT_KEYS.has(k)) throw new TenantsError(`${tp}.${k}`, 'unknown key');
    const id = str(t.id, `${tp}.id`, ID);
    if (tenants.has(id)) throw new TenantsError(`${tp}.id`, `duplicate tenant id "${id}"`);
    if (id === defaults.platformIssuer) throw new TenantsError(`${tp}.id`, 'must differ from JWT_ISSUER');
    const name = str(t.name, `${tp}.name`);
    let identitySecret: string | undefined;
    if (t.identitySecret !== undefined) {
      identitySecret = str(t.identitySecret, `${tp}.identitySecret`);
      if (identitySecret.length < 32) throw new TenantsError(`${tp}.identitySecret`, 'must be at least 32 characters');
    }
    const limitsIn = t.limits ?? {};
    if (!isObj(limitsIn)) throw new TenantsError(`${tp}.limits`, 'must be an object');
    for (const k of Object.keys(limitsIn)) if (k !== 'turnsPerMinute' && k !== 'sessionsPerHour') throw new TenantsError(`${tp}.limits.${k}`, 'unknown key');
    const limits: TenantLimits = {
      turnsPerMinute: posInt(limitsIn.turnsPerMinute, `${tp}.limits.turnsPerMinute`, defaults.turnsPerMinute),
      sessionsPerHour: posInt(limitsIn.sessionsPerHour, `${tp}.limits.sessionsPerHour`, defaults.sessionsPerHour),
    };

    if (!isObj(t.templates) || Object.keys(t.templates).length === 0) throw new TenantsError(`${tp}.templates`, 'must be an object with at least one template');
    const templates = new Map<string, Template>();
    for (const [key, tpl] of Object.entries(t.templates)) {
      const path = pointerToPath(`${tp}.templates`, `/${key}`);
      const res = validateTemplate(tpl);
      if (!res.ok) {
        const first = res.errors[0]!;
        throw new TenantsError(pointerToPath(path, first.path), first.message);
      }
      if (res.template.id !== key) throw new TenantsError(`${path}.id`, `must equal its key "${key}"`);
      templates.set(key, res.template);
    }

    if (!Array.isArray(t.sites) || t.sites.length === 0) throw new TenantsError(`${tp}.sites`, 'must be a non-empty array');
    const sites = new Map<string, Site>();
    t.sites.forEach((s: unknown, si: number) => {
      const sp = `${tp}.sites[${si}]`;
      if (!isObj(s)) throw new TenantsError(sp, 'must be an object');
      for (const k of Object.keys(s)) if (!SITE_KEYS.has(k)) throw new TenantsError(`${sp}.${k}`, 'unknown key');
      const siteId = str(s.id, `${sp}.id`, ID);
      if (sites.has(siteId)) throw new TenantsError(`${sp}.id`, `duplicate site id "${siteId}"`);
      const siteKey = str(s.siteKey, `${sp}.siteKey`, SITE_KEY);
      if (bySiteKey.has(siteKey)) throw new TenantsError(`${sp}.siteKey`, `duplicate site key "${siteKey}"`);
      if (!Array.isArray(s.origins) || s.origins.length === 0) throw new TenantsError(`${sp}.origins`, 'must be a non-empty array');
      const origins = s.origins.map((o: unknown, oi: number) => {
        const op = `${sp}.origins[${oi}]`;
        const origin = str(o, op);
        if (!isExactOrigin(origin))
          throw new TenantsError(
            op,
            `must be an exact origin like https://shop.example (scheme, host, optional port; no path, wildcard or trailing slash), got "${origin}"`,
          );
        return origin;
      });
      const templateId = str(s.template, `${sp}.template`);
      const template = templates.get(templateId);
      if (!template) throw new TenantsError(`${sp}.template`, `names no template of this tenant ("${templateId}")`);
      const allowedContext = s.allowedContext ?? [];
      if (!Array.isArray(allowedContext) || !allowedContext.every((k: unknown) => typeof k === 'string' && CONTEXT_KEY.test(k)))
        throw new TenantsError(`${sp}.allowedContext`, 'must be an array of keys like "plan" or "account_id"');
      const site: Site = { id: siteId, siteKey, origins, template, tenantId: id, allowedContext: allowedContext as string[] };
      sites.set(siteId, site);
      bySiteKey.set(siteKey, site);
      for (const o of origins) allOrigins.add(o);
    });
    const webhook = t.webhook === undefined ? undefined : parseWebhook(t.webhook, `${tp}.webhook`, (path, problem) => new TenantsError(path, problem));
    tenants.set(id, { id, name, identitySecret, limits, templates, sites, webhook });
  });

  return {
    tenants,
    bySiteKey,
    allOrigins,
    site: (tenantId, siteId) => tenants.get(tenantId)?.sites.get(siteId),
    template: async (tenantId, id, version) => {
      const t = tenants.get(tenantId)?.templates.get(id);
      return t?.version === version ? t : undefined;
    },
  };
}

export function loadTenants(file: string, defaults: TenantDefaults): TenantRegistry {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (e) {
    throw new TenantsError(file, `cannot read: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new TenantsError(file, `is not valid JSON: ${(e as Error).message}`);
  }
  return parseTenants(json, defaults);
}
