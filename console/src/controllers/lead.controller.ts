/** One lead with its conversation (`?transcript=1`), and its erasure. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SubmissionDetail } from '@chat/shared';
import type { AdminClient } from '../api/admin-client.js';
import { failed, loading, ready, type Load } from './load.js';

type Host = ReactiveControllerHost & { client: AdminClient | undefined };

export class LeadController implements ReactiveController {
  lead: Load<SubmissionDetail> = loading;
  erasing = false;
  eraseError: string | null = null;
  private id = '';

  constructor(private readonly host: Host) {
    host.addController(this);
  }

  hostConnected(): void {}

  async load(id: string): Promise<void> {
    this.id = id;
    this.lead = loading;
    this.host.requestUpdate();
    try {
      const lead = await this.host.client!.submission(id);
      if (id === this.id) this.lead = ready(lead);
    } catch (e) {
      if (id === this.id) this.lead = failed(e);
    }
    this.host.requestUpdate();
  }

  /** Erase the lead for good; true when done. */
  async erase(): Promise<boolean> {
    this.erasing = true;
    this.eraseError = null;
    this.host.requestUpdate();
    try {
      await this.host.client!.eraseSubmission(this.id);
      return true;
    } catch (e) {
      this.eraseError = e instanceof Error ? e.message : String(e);
      return false;
    } finally {
      this.erasing = false;
      this.host.requestUpdate();
    }
  }
}
