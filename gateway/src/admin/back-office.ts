/**
 * The back office's operations: what the admin API does, testable without HTTP. Every write is a
 * compare-and-set of the tenant's document (two admins never lose each other's change), then an
 * audit entry, then a reload of this gateway's registry so the answer's effects are visible here at
 * once (the other gateways hear of it by pub/sub).
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  AppError,
  validateTemplate,
  type SiteCreate,
  type SitePatch,
  type SiteView,
  type Template,
  type TemplateBody,
  type TemplateSaved,
  type TemplateSummary,
  type TenantCreate,
  type TenantPatch,
  type TenantView,
} from '@chat/shared';
import { isExactOrigin, parseTenants, type TenantDefaults } from '../tenants.js';
import { devOrigin } from '../production.js';
import type { Registry } from './registry.js';
import type { RegistryStore, SiteDoc, TemplateWrite, TenantDoc } from './store.js';

/** Who is acting: `admin` (the platform key) or a tenant key's id. */
export type Actor = string;

export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');
const newKey = () => `sk_${randomBytes(32).toString('base64url')}`;
const newKeyId = () => `key_${randomBytes(6).toString('hex')}`;
const newSiteKey = () => `pk_${randomBytes(12).toString('hex')}`;
const now = () => new Date().toISOString();

class StaleImport extends Error {}

/**
 * A template as the admin API takes it (published or previewed): a JSON object without `id` and
 * `version`, which the server sets; every error is 400 `invalid_template` naming its JSON path.
 */
export function checkTemplateBody(body: TemplateBody, id: string, version: number): Template {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AppError('invalid_template', 'The template must be a JSON object.');
  for (const k of ['id', 'version'])
    if (Object.hasOwn(body, k))
      throw new AppError('invalid_template', `The template at /${k}: is set by the server; leave it out.`, [
        { path: `/${k}`, message: 'is set by the server' },
      ]);
  const r = validateTemplate({ ...body, id, version });
  if (!r.ok) throw new AppError('invalid_template', `The template is invalid at ${r.errors[0]!.path}: ${r.errors[0]!.message}`, r.errors);
  return r.template;
}

type Change<R> = { doc: TenantDoc | null; templates?: TemplateWrite[]; result: R; audit?: { action: string; target: string }; noop?: boolean };

export class BackOffice {
  constructor(
    private readonly store: RegistryStore,
    readonly registry: Registry,
    private readonly defaults: TenantDefaults,
    /** Production: site origins must be https and not loopback (see production.ts). */
    private readonly opts: { refuseDevOrigins?: boolean } = {},
  ) {}

  /** Read-modify-write of one tenant, retried on a lost race. `fn` throws AppError to refuse. */
  private async change<R>(tenantId: string, actor: Actor, fn: (doc: TenantDoc | null) => Change<R>): Promise<R> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const cur = await this.store.getTenant(tenantId);
      const out = fn(cur ? structuredClone(cur.doc) : null);
      if (out.noop) return out.result;
      if (out.doc) out.doc.updatedAt = now();
      if (await this.store.commit(tenantId, cur?.rev ?? 0, out.doc, out.templates)) {
        if (out.audit) await this.store.appendAudit(tenantId, { actor, ...out.audit, at: now() });
        await this.registry.refresh();
        return out.result;
      }
    }
    throw new AppError('internal', 'Too many concurrent changes to this tenant; retry.');
  }

  private static existing(doc: TenantDoc | null): TenantDoc {
    if (!doc) throw new AppError('not_found', 'No such tenant.');
    return doc;
  }

  async getTenant(tenantId: string): Promise<TenantDoc> {
    return BackOffice.existing((await this.store.getTenant(tenantId))?.doc ?? null);
  }

  async listTenants(): Promise<TenantView[]> {
    const { tenants } = await this.store.loadAll();
    return tenants.map((t) => this.tenantView(t.doc)).sort((a, b) => a.id.localeCompare(b.id));
  }

  tenantView(doc: TenantDoc): TenantView {
    return {
      id: doc.id,
      name: doc.name,
      limits: {
        turnsPerMinute: doc.limits?.turnsPerMinute ?? this.defaults.turnsPerMinute,
        sessionsPerHour: doc.limits?.sessionsPerHour ?? this.defaults.sessionsPerHour,
      },
      sites: Object.keys(doc.sites).sort(),
      templates: Object.keys(doc.templates).sort(),
      keys: Object.entries(doc.keys).map(([id, k]) => ({ id, createdAt: k.createdAt })),
      webhook: doc.webhook ? { url: doc.webhook.url, events: doc.webhook.events } : null,
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
    };
  }

  createTenant(actor: Actor, body: TenantCreate): Promise<TenantView> {
    if (body.id === this.defaults.platformIssuer) throw new AppError('validation_failed', 'The tenant id must differ from JWT_ISSUER.');
    return this.change(body.id, actor, (cur) => {
      if (cur) throw new AppError('already_exists', `Tenant "${body.id}" exists already.`);
      const at = now();
      const doc: TenantDoc = {
        id: body.id,
        name: body.name,
        sites: {},
        templates: {},
        keys: {},
        createdAt: at,
        updatedAt: at,
        ...(body.limits ? { limits: body.limits } : {}),
      };
      return { doc, result: this.tenantView(doc), audit: { action: 'tenant.create', target: `tenant:${body.id}` } };
    });
  }

  patchTenant(actor: Actor, tenantId: string, body: TenantPatch): Promise<TenantView> {
    return this.change(tenantId, actor, (cur) => {
      const doc = BackOffice.existing(cur);
      if (body.name !== undefined) doc.name = body.name;
      if (body.limits !== undefined) doc.limits = { ...doc.limits, ...body.limits };
      return { doc, result: this.tenantView(doc), audit: { action: 'tenant.update', target: `tenant:${tenantId}` } };
    });
  }

  deleteTenant(actor: Actor, tenantId: string): Promise<void> {
    return this.change(tenantId, actor, (cur) => {
      BackOffice.existing(cur);
      return { doc: null, result: undefined, audit: { action: 'tenant.delete', target: `tenant:${tenantId}` } };
    });
  }

  createKey(actor: Actor, tenantId: string): Promise<{ id: string; key: string }> {
    const key = newKey();
    const id = newKeyId();
    return this.change(tenantId, actor, (cur) => {
      const doc = BackOffice.existing(cur);
      doc.keys[id] = { hash: hashKey(key), createdAt: now() };
      return { doc, result: { id, key }, audit: { action: 'key.create', target: `key:${id}` } };
    });
  }

  deleteKey(actor: Actor, tenantId: string, keyId: string): Promise<void> {
    return this.change(tenantId, actor, (cur) => {
      const doc = BackOffice.existing(cur);
      if (!Object.hasOwn(doc.keys, keyId)) throw new AppError('not_found', 'No such key.');
      delete doc.keys[keyId];
      return { doc, result: undefined, audit: { action: 'key.delete', target: `key:${keyId}` } };
    });
  }

  // ---- templates ----

  putTemplate(actor: Actor, tenantId: string, templateId: string, body: TemplateBody): Promise<TemplateSaved> {
    checkTemplateBody(body, templateId, 1); // the shape alone, before any read
    return this.change(tenantId, actor, (cur) => {
      const doc = BackOffice.existing(cur);
      const version = (doc.templates[templateId]?.latest ?? 0) + 1;
      const template = checkTemplateBody(body, templateId, version);
      doc.templates[templateId] = { latest: version, updatedAt: now() };
      return {
        doc,
        templates: [{ id: templateId, version, template }],
        result: { id: templateId, version },
        audit: { action: 'template.publish', target: `template:${templateId}@${version}` },
      };
    });
  }

  async getTemplate(tenantId: string, templateId: string, version?: number): Promise<Template> {
    const doc = await this.getTenant(tenantId);
    const latest = doc.templates[templateId]?.latest;
    if (!latest) throw new AppError('not_found', 'No such template.');
    const t = await this.store.getTemplate(tenantId, templateId, version ?? latest);
    if (!t) throw new AppError('not_found', `Template "${templateId}" has no version ${version}.`);
    return t;
  }

  async listTemplates(tenantId: string): Promise<TemplateSummary[]> {
    const doc = await this.getTenant(tenantId);
    return Object.entries(doc.templates)
      .map(([id, t]) => ({ id, latestVersion: t.latest, updatedAt: t.updatedAt }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  // ---- sites ----

  private static siteView(id: string, s: SiteDoc): SiteView {
    return {
      id,
      siteKey: s.siteKey,
      origins: s.origins,
      template: s.template,
      allowedContext: s.allowedContext,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
    };
  }

  private checkOrigins(origins: string[]): void {
    origins.forEach((o, i) => {
      if (!isExactOrigin(o))
        throw new AppError(
          'validation_failed',
          `origins[${i}] must be an exact origin like https://shop.example (scheme, host, optional port; no path, wildcard or trailing slash), got "${o}".`,
        );
      const why = this.opts.refuseDevOrigins ? devOrigin(o) : undefined;
      if (why) throw new AppError('validation_failed', `origins[${i}] "${o}" ${why}: refused in production.`);
    });
  }

  private static checkTemplate(doc: TenantDoc, template: string): void {
    if (!doc.templates[template]) throw new AppError('validation_failed', `template names no template of this tenant ("${template}").`);
  }

  createSite(actor: Actor, tenantId: string, body: SiteCreate): Promise<SiteView> {
    this.checkOrigins(body.origins);
    const siteKey = newSiteKey();
    return this.change(tenantId, actor, (cur) => {
      const doc = BackOffice.existing(cur);
      if (Object.hasOwn(doc.sites, body.id)) throw new AppError('already_exists', `Site "${body.id}" exists already.`);
      BackOffice.checkTemplate(doc, body.template);
      const at = now();
      const site: SiteDoc = {
        siteKey,
        origins: [...new Set(body.origins)],
        template: body.template,
        allowedContext: body.allowedContext ?? [],
        createdAt: at,
        updatedAt: at,
      };
      doc.sites[body.id] = site;
      return { doc, result: BackOffice.siteView(body.id, site), audit: { action: 'site.create', target: `site:${body.id}` } };
    });
  }

  async listSites(tenantId: string): Promise<SiteView[]> {
    const doc = await this.getTenant(tenantId);
    return Object.entries(doc.sites)
      .map(([id, s]) => BackOffice.siteView(id, s))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  async getSite(tenantId: string, siteId: string): Promise<SiteView> {
    const doc = await this.getTenant(tenantId);
    const s = Object.hasOwn(doc.sites, siteId) ? doc.sites[siteId] : undefined;
    if (!s) throw new AppError('not_found', 'No such site.');
    return BackOffice.siteView(siteId, s);
  }

  patchSite(actor: Actor, tenantId: string, siteId: string, body: SitePatch): Promise<SiteView> {
    if (body.origins) this.checkOrigins(body.origins);
    return this.change(tenantId, actor, (cur) => {
      const doc = BackOffice.existing(cur);
      const s = Object.hasOwn(doc.sites, siteId) ? doc.sites[siteId] : undefined;
      if (!s) throw new AppError('not_found', 'No such site.');
      if (body.template !== undefined) {
        BackOffice.checkTemplate(doc, body.template);
        s.template = body.template;
      }
      if (body.origins) s.origins = [...new Set(body.origins)];
      if (body.allowedContext) s.allowedContext = body.allowedContext;
      s.updatedAt = now();
      return { doc, result: BackOffice.siteView(siteId, s), audit: { action: 'site.update', target: `site:${siteId}` } };
    });
  }

  deleteSite(actor: Actor, tenantId: string, siteId: string): Promise<void> {
    return this.change(tenantId, actor, (cur) => {
      const doc = BackOffice.existing(cur);
      if (!Object.hasOwn(doc.sites, siteId)) throw new AppError('not_found', 'No such site.');
      delete doc.sites[siteId];
      return { doc, result: undefined, audit: { action: 'site.delete', target: `site:${siteId}` } };
    });
  }

  /** Any change to the webhook block (save, rotate, remove), audited under `action`. */
  changeWebhook<R>(actor: Actor, tenantId: string, action: string, fn: (doc: TenantDoc) => R): Promise<R> {
    return this.change(tenantId, actor, (cur) => {
      const doc = BackOffice.existing(cur);
      const result = fn(doc);
      return { doc, result, audit: { action, target: 'webhook' } };
    });
  }

  /** Audit an action that changes no registry document (a lead erased). */
  async note(actor: Actor, tenantId: string, action: string, target: string): Promise<void> {
    await this.store.appendAudit(tenantId, { actor, action, target, at: now() });
  }

  async audit(tenantId: string, limit: number) {
    await this.getTenant(tenantId);
    return this.store.readAudit(tenantId, limit);
  }

  // ---- seeding ----

  /**
   * Upsert a tenants file (the format of gateway/tenants.example.json): tenants, sites (with their
   * site keys), templates and webhooks. Idempotent: an unchanged template gets no new version, an
   * unchanged tenant no new revision. Returns what changed.
   */
  async importFile(json: unknown, actor: Actor = 'import'): Promise<{ tenants: number; changed: string[] }> {
    const parsed = parseTenants(json, this.defaults); // every check of the file format, paths named
    const raw = json as { tenants: Array<{ id: string; limits?: TenantDoc['limits']; sites: Array<{ id: string }> }> };
    const changed: string[] = [];
    // A site key names one site platform-wide: refuse a file that would take another tenant's.
    for (const [key, site] of parsed.bySiteKey) {
      const holder = this.registry.bySiteKey.get(key);
      if (holder && (holder.tenantId !== site.tenantId || holder.id !== site.id))
        throw new AppError('already_exists', `Site key ${key} belongs to ${holder.tenantId}/${holder.id} already.`);
    }
    for (const [tid, t] of parsed.tenants) {
      const rawTenant = raw.tenants.find((x) => x.id === tid)!;
      let writes: TemplateWrite[] = [];
      // The latest templates, read before the write; if another writer publishes meanwhile (two
      // gateways seeding at once), the comparison is stale: read again rather than add a version.
      const latest = new Map<string, Template>();
      const readLatest = async () => {
        latest.clear();
        const before = await this.store.getTenant(tid);
        for (const [id, { latest: v }] of Object.entries(before?.doc.templates ?? {})) {
          const tpl = await this.store.getTemplate(tid, id, v);
          if (tpl) latest.set(id, tpl);
        }
      };
      await readLatest();
      let did = false;
      for (let attempt = 0; ; attempt++) {
        try {
          did = await this.change(tid, actor, (cur) => {
            const at = now();
            for (const [id, { latest: v }] of Object.entries(cur?.templates ?? {})) if (latest.get(id)?.version !== v) throw new StaleImport();
            const doc: TenantDoc = cur ?? { id: tid, name: t.name, sites: {}, templates: {}, keys: {}, createdAt: at, updatedAt: at };
            const was = JSON.stringify({ ...doc, updatedAt: '' });
            doc.name = t.name;
            if (t.identitySecret) doc.identitySecret = t.identitySecret;
            else delete doc.identitySecret;
            if (rawTenant.limits) doc.limits = { ...rawTenant.limits };
            else delete doc.limits;
            writes = [];
            for (const [id, tpl] of t.templates) {
              const prev = latest.get(id);
              const same = prev && JSON.stringify({ ...prev, version: 0 }) === JSON.stringify({ ...tpl, version: 0 });
              if (same) continue;
              const version = (doc.templates[id]?.latest ?? 0) + 1;
              writes.push({ id, version, template: { ...tpl, version } });
              doc.templates[id] = { latest: version, updatedAt: at };
            }
            for (const [sid, s] of t.sites) {
              const old = doc.sites[sid];
              const next: SiteDoc = {
                siteKey: s.siteKey,
                origins: s.origins,
                template: s.template.id,
                allowedContext: s.allowedContext,
                createdAt: old?.createdAt ?? at,
                updatedAt: old?.updatedAt ?? at,
              };
              if (JSON.stringify(old) !== JSON.stringify(next)) doc.sites[sid] = { ...next, updatedAt: at };
            }
            if (t.webhook)
              doc.webhook = {
                url: t.webhook.url,
                events: t.webhook.events as NonNullable<TenantDoc['webhook']>['events'],
                allowPrivateNetwork: t.webhook.allowPrivateNetwork,
                secrets: t.webhook.secrets,
              };
            const unchanged = cur !== null && writes.length === 0 && JSON.stringify({ ...doc, updatedAt: '' }) === was;
            return { doc, templates: writes, result: !unchanged, noop: unchanged, audit: { action: 'tenant.import', target: `tenant:${tid}` } };
          });
          break;
        } catch (e) {
          if (!(e instanceof StaleImport) || attempt >= 10) throw e;
          await readLatest();
        }
      }
      if (did) changed.push(tid);
    }
    return { tenants: parsed.tenants.size, changed };
  }
}
