/**
 * The leads table's state: filters (status, site, a date range), the current page and the cursors
 * that led to it (the API pages forward only, so going back re-reads a remembered cursor), and the
 * downloads, which carry the same filters.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SiteView, Submission, SubmissionStatus } from '@chat/shared';
import type { AdminClient, ExportFormat, SubmissionFilter } from '../api/admin-client.js';
import { failed, loading, ready, type Load } from './load.js';

export const PAGE_SIZE = 20;

export interface LeadFilters {
  status: SubmissionStatus | '';
  site: string;
  /** `YYYY-MM-DD` from a date input, in the browser's time zone; both ends included. */
  from: string;
  to: string;
}

export const NO_FILTERS: LeadFilters = { status: '', site: '', from: '', to: '' };

/** The form's filters as the API's: `since` inclusive at local midnight, `until` exclusive the day after `to`. */
export function toQuery(f: LeadFilters): SubmissionFilter {
  const day = (d: string, plus = 0) => {
    const [y, m, dd] = d.split('-').map(Number);
    return new Date(y!, m! - 1, dd! + plus).toISOString();
  };
  return {
    ...(f.status ? { status: f.status } : {}),
    ...(f.site ? { site: f.site } : {}),
    ...(f.from ? { since: day(f.from) } : {}),
    ...(f.to ? { until: day(f.to, 1) } : {}),
  };
}

type Host = ReactiveControllerHost & { client: AdminClient | undefined };

export class LeadsController implements ReactiveController {
  filters: LeadFilters = NO_FILTERS;
  page: Load<{ items: Submission[]; next: string | null }> = loading;
  sites: SiteView[] = [];
  /** The cursor of each page seen so far; the last is the current page's (null: the first page). */
  private cursors: Array<string | null> = [null];
  downloading: ExportFormat | null = null;
  downloadError: string | null = null;

  constructor(private readonly host: Host) {
    host.addController(this);
  }

  hostConnected(): void {
    void this.load();
    void this.host.client?.sites().then(
      (sites) => {
        this.sites = sites;
        this.host.requestUpdate();
      },
      () => undefined,
    );
  }

  get pageNumber(): number {
    return this.cursors.length;
  }

  get hasNewer(): boolean {
    return this.cursors.length > 1;
  }

  get hasOlder(): boolean {
    return this.page.status === 'ready' && this.page.value.next !== null;
  }

  setFilters(f: LeadFilters): void {
    this.filters = f;
    this.cursors = [null];
    void this.load();
  }

  older(): void {
    if (this.page.status !== 'ready' || !this.page.value.next) return;
    this.cursors = [...this.cursors, this.page.value.next];
    void this.load();
  }

  newer(): void {
    if (this.cursors.length < 2) return;
    this.cursors = this.cursors.slice(0, -1);
    void this.load();
  }

  async load(): Promise<void> {
    const client = this.host.client;
    if (!client) return;
    const cursor = this.cursors.at(-1) ?? undefined;
    const asked = this.cursors;
    this.page = loading;
    this.host.requestUpdate();
    try {
      const page = await client.submissions({ ...toQuery(this.filters), limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
      if (asked !== this.cursors) return;
      this.page = ready(page);
    } catch (e) {
      if (asked !== this.cursors) return;
      this.page = failed(e);
    }
    this.host.requestUpdate();
  }

  /** The filtered export, saved as a file by the browser. */
  async download(format: ExportFormat): Promise<void> {
    const client = this.host.client;
    if (!client || this.downloading) return;
    this.downloading = format;
    this.downloadError = null;
    this.host.requestUpdate();
    try {
      const blob = await client.exportSubmissions(format, toQuery(this.filters));
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `${client.tenantId}-leads-${new Date().toISOString().slice(0, 10)}.${format}`;
      a.hidden = true;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      this.downloadError = e instanceof Error ? e.message : String(e);
    } finally {
      this.downloading = null;
      this.host.requestUpdate();
    }
  }
}
