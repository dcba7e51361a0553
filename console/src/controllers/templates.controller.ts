/** The templates view's state: the tenant's template ids with their latest versions. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { TemplateSummary } from '@chat/shared';
import type { AdminClient } from '../api/admin-client.js';
import { failed, loading, ready, type Load } from './load.js';

/** The template meta-schema's id rule. */
export const TEMPLATE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class TemplatesController implements ReactiveController {
  list: Load<TemplateSummary[]> = loading;

  constructor(private readonly host: ReactiveControllerHost & { client: AdminClient | undefined }) {
    host.addController(this);
  }

  hostConnected(): void {
    void this.load();
  }

  async load(): Promise<void> {
    if (!this.host.client) return;
    try {
      this.list = ready(await this.host.client.templates());
    } catch (e) {
      this.list = failed(e);
    }
    this.host.requestUpdate();
  }
}
