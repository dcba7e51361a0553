/**
 * The template editor's state: the published versions, the draft being edited (as an object and as
 * the JSON text, kept in step), its problems by JSON Pointer (the shared validator, on every edit),
 * and publishing. A template id that does not exist yet starts from a starter draft.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PathError, Template } from '@chat/shared';
import type { AdminClient } from '../api/admin-client.js';
import { AdminError } from '../api/admin-error.js';
import { STARTER, checkDraft, sameTemplate, toBody, toDraft, type Draft } from './template-draft.js';
import { failed, loading, ready, type Load } from './load.js';

/** How many versions the history shows (the newest). */
const HISTORY_MAX = 50;

export interface VersionEntry {
  version: number;
  template: Load<Template>;
}

type Host = ReactiveControllerHost & { client: AdminClient | undefined };

export class TemplateController implements ReactiveController {
  templateId = '';
  /** The latest published version; null for a template not published yet. */
  latest: Load<Template | null> = loading;
  versions: VersionEntry[] = [];
  draft: Draft = {};
  jsonText = '';
  /** The JSON text does not parse (the draft keeps its last good value). */
  jsonError: string | null = null;
  /** The shared validator's findings on the draft. */
  errors: PathError[] = [];
  /** What the server said about the last publish, at its paths (cleared by the next edit). */
  serverErrors: PathError[] = [];
  publishing = false;
  publishError: string | null = null;
  /** The version just published, for the confirmation. */
  justPublished: number | null = null;

  constructor(private readonly host: Host) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Problems to show: the validator's, plus the server's answer to the last publish. */
  get problems(): PathError[] {
    return [...this.errors, ...this.serverErrors.filter((s) => !this.errors.some((e) => e.path === s.path && e.message === s.message))];
  }

  get latestVersion(): number {
    return this.latest.status === 'ready' && this.latest.value ? this.latest.value.version : 0;
  }

  /** The draft differs from the latest version (always true before a first publish). */
  get dirty(): boolean {
    if (this.latest.status !== 'ready') return false;
    return !this.latest.value || !sameTemplate(toBody(this.draft), toDraft(this.latest.value));
  }

  get canPublish(): boolean {
    return this.latest.status === 'ready' && !this.publishing && !this.jsonError && this.errors.length === 0 && this.dirty;
  }

  async load(templateId: string): Promise<void> {
    this.templateId = templateId;
    this.latest = loading;
    this.versions = [];
    this.justPublished = null;
    this.publishError = null;
    this.host.requestUpdate();
    const client = this.host.client;
    if (!client) return;
    try {
      const latest = await client.template(templateId).catch((e: unknown) => {
        if (e instanceof AdminError && e.code === 'not_found') return null;
        throw e;
      });
      if (templateId !== this.templateId) return;
      this.latest = ready(latest);
      this.setDraft(latest ? toDraft(latest) : structuredClone(STARTER as unknown as Draft));
      if (latest) void this.loadVersions(latest);
    } catch (e) {
      this.latest = failed(e);
      this.host.requestUpdate();
    }
  }

  private async loadVersions(latest: Template): Promise<void> {
    const client = this.host.client!;
    const numbers = Array.from({ length: Math.min(latest.version, HISTORY_MAX) }, (_, i) => latest.version - i);
    this.versions = numbers.map((version) => ({ version, template: version === latest.version ? ready(latest) : loading }));
    this.host.requestUpdate();
    await Promise.all(
      this.versions.map(async (entry) => {
        if (entry.template.status === 'ready') return;
        try {
          entry.template = ready(await client.template(this.templateId, entry.version));
        } catch (e) {
          entry.template = failed(e);
        }
        this.versions = [...this.versions];
        this.host.requestUpdate();
      }),
    );
  }

  /** An edit from the form: the JSON text follows. */
  setDraft(draft: Draft): void {
    this.draft = draft;
    this.jsonText = JSON.stringify(draft, null, 2);
    this.jsonError = null;
    this.changed();
  }

  /** An edit of the JSON text: the form follows when it parses to an object. */
  setJson(text: string, messages: { notObject: string }): void {
    this.jsonText = text;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        this.jsonError = messages.notObject;
      } else {
        this.draft = parsed as Draft;
        this.jsonError = null;
      }
    } catch (e) {
      this.jsonError = (e as Error).message;
    }
    this.changed();
  }

  private changed(): void {
    this.errors = checkDraft(this.templateId, this.draft);
    this.serverErrors = [];
    this.publishError = null;
    this.justPublished = null;
    this.host.requestUpdate();
  }

  async publish(): Promise<void> {
    if (!this.canPublish) return;
    this.publishing = true;
    this.host.requestUpdate();
    try {
      const saved = await this.host.client!.publishTemplate(this.templateId, toBody(this.draft));
      const latest = await this.host.client!.template(this.templateId);
      this.latest = ready(latest);
      this.justPublished = saved.version;
      void this.loadVersions(latest);
    } catch (e) {
      this.publishError = e instanceof Error ? e.message : String(e);
      if (e instanceof AdminError) this.serverErrors = e.pathErrors;
    } finally {
      this.publishing = false;
      this.host.requestUpdate();
    }
  }
}
