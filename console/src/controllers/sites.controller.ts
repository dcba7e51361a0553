/**
 * The sites view's state: the tenant's sites and template ids, and the writes (add, change origins,
 * delete), each answering with what to tell the user.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ADMIN_ID_PATTERN, type SiteView, type TemplateSummary } from '@chat/shared';
import type { AdminClient } from '../api/admin-client.js';
import { failed, loading, ready, type Load } from './load.js';

export interface SitesData {
  sites: SiteView[];
  templates: TemplateSummary[];
}

export type OriginsCheck = { ok: true; origins: string[] } | { ok: false; problem: 'empty' } | { ok: false; problem: 'invalid'; origin: string };

/** One origin a line (commas and spaces also separate); each must be exactly an origin. */
export function parseOrigins(text: string): OriginsCheck {
  const origins = [...new Set(text.split(/[\s,]+/).filter(Boolean))];
  if (!origins.length) return { ok: false, problem: 'empty' };
  for (const o of origins) {
    let exact = false;
    try {
      const u = new URL(o);
      exact = (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === o;
    } catch {
      exact = false;
    }
    if (!exact) return { ok: false, problem: 'invalid', origin: o };
  }
  return { ok: true, origins };
}

export const validSiteId = (id: string) => new RegExp(ADMIN_ID_PATTERN).test(id);

export class SitesController implements ReactiveController {
  data: Load<SitesData> = loading;

  constructor(private readonly host: ReactiveControllerHost & { client: AdminClient | undefined }) {
    host.addController(this);
  }

  hostConnected(): void {
    void this.load();
  }

  async load(): Promise<void> {
    const client = this.host.client;
    if (!client) return;
    try {
      const [sites, templates] = await Promise.all([client.sites(), client.templates()]);
      this.data = ready({ sites, templates });
    } catch (e) {
      this.data = failed(e);
    }
    this.host.requestUpdate();
  }

  private replace(fn: (sites: SiteView[]) => SiteView[]): void {
    if (this.data.status !== 'ready') return;
    this.data = ready({ ...this.data.value, sites: fn(this.data.value.sites) });
    this.host.requestUpdate();
  }

  async create(id: string, origins: string[], template: string): Promise<SiteView> {
    const site = await this.host.client!.createSite({ id, origins, template });
    this.replace((sites) => [...sites.filter((s) => s.id !== id), site].sort((a, b) => a.id.localeCompare(b.id)));
    return site;
  }

  async setOrigins(id: string, origins: string[]): Promise<void> {
    const site = await this.host.client!.patchSite(id, { origins });
    this.replace((sites) => sites.map((s) => (s.id === id ? site : s)));
  }

  async remove(id: string): Promise<void> {
    await this.host.client!.deleteSite(id);
    this.replace((sites) => sites.filter((s) => s.id !== id));
  }
}
