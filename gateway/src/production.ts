/**
 * What production refuses: the repository's development material. The example tenants file (by
 * path, by content), any secret that appears in it (identity and webhook secrets, reused as a
 * platform key), and site origins a real deployment never serves: plain http and loopback.
 */
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { TenantsError, type TenantRegistry } from './tenants.js';

export const EXAMPLE_TENANTS_FILE = fileURLToPath(new URL('../tenants.example.json', import.meta.url));

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** The same JSON whatever its spacing or key order. */
const canonical = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(canonical).join(',')}]`
    : v && typeof v === 'object'
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(v);

function exampleText(): string | undefined {
  try {
    return readFileSync(EXAMPLE_TENANTS_FILE, 'utf8');
  } catch {
    return undefined; // an image without the example file has nothing to compare
  }
}

/** Every secret the example tenants file holds (identity secrets, whsec_ values, any other *secret*). */
export function repositorySecrets(): Set<string> {
  const found = new Set<string>();
  const text = exampleText();
  if (text === undefined) return found;
  const walk = (v: unknown, key = ''): void => {
    if (typeof v === 'string') {
      if (/secret/i.test(key) || v.startsWith('whsec_')) found.add(v);
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(JSON.parse(text));
  return found;
}

/** True when `file` is the example tenants file: the same path, the same bytes, or the same JSON. */
export function isExampleTenantsFile(file: string, text?: string): boolean {
  const example = exampleText();
  if (example === undefined) return false;
  try {
    if (realpathSync(file) === realpathSync(EXAMPLE_TENANTS_FILE)) return true;
  } catch {
    /* a missing file is not the example */
  }
  if (text === undefined) return false;
  if (sha256(text) === sha256(example)) return true;
  try {
    return canonical(JSON.parse(text)) === canonical(JSON.parse(example));
  } catch {
    return false;
  }
}

/** Why an origin is a development one (plain http, localhost, a loopback or unspecified address), or undefined. */
export function devOrigin(origin: string): string | undefined {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return undefined; // the origin check proper answers this
  }
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return 'is localhost';
  if (isIP(host) === 4 && (host.startsWith('127.') || host === '0.0.0.0')) return 'is a loopback address';
  if (isIP(host) === 6 && (host === '::1' || host === '::' || /^::ffff:(127\.|7f)/.test(host))) return 'is a loopback address';
  if (u.protocol === 'http:') return 'is plain http (production origins are https)';
  return undefined;
}

/** Refuse a registry holding development material (production start-up); errors name the tenant and key. */
export function checkProductionRegistry(registry: TenantRegistry, secrets = repositorySecrets()): void {
  for (const [tid, t] of registry.tenants) {
    if (t.identitySecret && secrets.has(t.identitySecret))
      throw new TenantsError(`tenant ${tid}.identitySecret`, 'is a secret from the repository (the example tenants file); production needs its own');
    for (const [i, s] of (t.webhook?.secrets ?? []).entries())
      if (secrets.has(s.secret)) throw new TenantsError(`tenant ${tid}.webhook.secrets[${i}]`, 'is a secret from the repository; production needs its own');
    for (const [sid, site] of t.sites)
      for (const [i, o] of site.origins.entries()) {
        const why = devOrigin(o);
        if (why) throw new TenantsError(`tenant ${tid}.sites.${sid}.origins[${i}]`, `"${o}" ${why}: refused when NODE_ENV=production`);
      }
  }
}
