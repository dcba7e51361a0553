/**
 * The gateway's live view of the back office: every tenant, site, latest template, webhook and
 * key hash, held in memory (a request never waits for Redis to find its site) and rebuilt when
 * anything changes anywhere: a published change message reloads it at once, and a version check
 * every REGISTRY_POLL_MS catches a message that was missed (a reconnect, a cluster failover).
 * It is the `TenantRegistry` the rest of the gateway reads, so routes need not know it is live.
 */
import type { Template } from '@chat/shared';
import type { Site, Tenant, TenantDefaults, TenantRegistry } from '../tenants.js';
import type { RegistryStore, StoredTenant } from './store.js';

export interface KeyOwner {
  tenantId: string;
  keyId: string;
}

interface Snapshot {
  tenants: Map<string, Tenant>;
  bySiteKey: Map<string, Site>;
  allOrigins: Set<string>;
  keys: Map<string, KeyOwner>;
}

const VERSIONS_CACHED = 500;

const EMPTY: Snapshot = { tenants: new Map(), bySiteKey: new Map(), allOrigins: new Set(), keys: new Map() };

export function buildSnapshot(stored: Array<StoredTenant & { templates: Map<string, Template> }>, defaults: TenantDefaults): Snapshot {
  const snap: Snapshot = { tenants: new Map(), bySiteKey: new Map(), allOrigins: new Set(), keys: new Map() };
  for (const { doc, templates } of stored) {
    const sites = new Map<string, Site>();
    for (const [siteId, s] of Object.entries(doc.sites)) {
      const template = templates.get(s.template);
      if (!template) continue; // cannot happen through the API; a site without a template serves nobody
      const site: Site = { id: siteId, siteKey: s.siteKey, origins: s.origins, template, tenantId: doc.id, allowedContext: s.allowedContext };
      sites.set(siteId, site);
      snap.bySiteKey.set(s.siteKey, site);
      for (const o of s.origins) snap.allOrigins.add(o);
    }
    for (const [keyId, k] of Object.entries(doc.keys)) snap.keys.set(k.hash, { tenantId: doc.id, keyId });
    snap.tenants.set(doc.id, {
      id: doc.id,
      name: doc.name,
      identitySecret: doc.identitySecret,
      limits: {
        turnsPerMinute: doc.limits?.turnsPerMinute ?? defaults.turnsPerMinute,
        sessionsPerHour: doc.limits?.sessionsPerHour ?? defaults.sessionsPerHour,
      },
      templates,
      sites,
      webhook: doc.webhook
        ? { url: doc.webhook.url, events: doc.webhook.events, allowPrivateNetwork: doc.webhook.allowPrivateNetwork, secrets: doc.webhook.secrets }
        : undefined,
    });
  }
  return snap;
}

export class Registry implements TenantRegistry {
  private snap: Snapshot = EMPTY;
  private loaded = -1;
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  /** Template versions never change once written; the ones running sessions started with, most recent last. */
  private readonly versions = new Map<string, Template>();

  constructor(
    readonly store: RegistryStore,
    private readonly defaults: TenantDefaults,
    private readonly o: { pollMs: number; onError: (e: unknown) => void },
  ) {}

  get tenants(): Map<string, Tenant> {
    return this.snap.tenants;
  }
  get bySiteKey(): Map<string, Site> {
    return this.snap.bySiteKey;
  }
  get allOrigins(): Set<string> {
    return this.snap.allOrigins;
  }
  site(tenantId: string, siteId: string): Site | undefined {
    return this.snap.tenants.get(tenantId)?.sites.get(siteId);
  }
  /** Who holds the API key with this SHA-256 (hex), if anyone. */
  keyOwner(hash: string): KeyOwner | undefined {
    return this.snap.keys.get(hash);
  }
  get isEmpty(): boolean {
    return this.snap.tenants.size === 0;
  }

  async start(): Promise<void> {
    // A change message means "look at the version": the writer's own gateway has reloaded already.
    await this.store.subscribe(() => void this.poll().catch(this.o.onError));
    await this.refresh();
    this.timer = setInterval(() => void this.poll().catch(this.o.onError), this.o.pollMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.store.close();
  }

  /** Reload; resolves once a load that began after this call has finished (reads see your writes). */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          const { version, tenants } = await this.store.loadAll();
          this.snap = buildSnapshot(tenants, this.defaults);
          this.loaded = version;
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async poll(): Promise<void> {
    if ((await this.store.version()) !== this.loaded) await this.refresh();
  }

  /** A template version, for a session that started with it. */
  async template(tenantId: string, id: string, version: number): Promise<Template | undefined> {
    const latest = this.snap.tenants.get(tenantId)?.templates.get(id);
    if (latest?.version === version) return latest;
    const key = `${tenantId}\n${id}\n${version}`;
    let t = this.versions.get(key);
    if (!t) {
      t = (await this.store.getTemplate(tenantId, id, version)) ?? undefined;
      if (t) {
        // Bounded: a platform of many tenants and versions must not keep every one it ever read.
        if (this.versions.size >= VERSIONS_CACHED) this.versions.delete(this.versions.keys().next().value as string);
        this.versions.set(key, t);
      }
    }
    return t;
  }
}
