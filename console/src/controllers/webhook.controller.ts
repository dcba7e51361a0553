/**
 * The webhook view's state: the endpoint (or none), its recent deliveries, the signing secret while
 * it is on screen (the API shows it once: on the first save and on rotation), and the outcome of a
 * test ping.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { DeliveryView, WebhookEventType, WebhookTestResult, WebhookView } from '@chat/shared';
import type { AdminClient } from '../api/admin-client.js';
import { failed, loading, ready, type Load } from './load.js';

type Host = ReactiveControllerHost & { client: AdminClient | undefined };

export class WebhookController implements ReactiveController {
  webhook: Load<WebhookView | null> = loading;
  deliveries: Load<DeliveryView[]> = loading;
  /** Shown once, until dismissed or the view is left. */
  secret: string | null = null;
  test: WebhookTestResult | null = null;
  busy: 'save' | 'test' | 'rotate' | 'remove' | null = null;
  error: string | null = null;

  constructor(private readonly host: Host) {
    host.addController(this);
  }

  hostConnected(): void {
    void this.load();
  }

  private get client(): AdminClient {
    return this.host.client!;
  }

  async load(): Promise<void> {
    try {
      this.webhook = ready(await this.client.webhook());
    } catch (e) {
      this.webhook = failed(e);
    }
    this.host.requestUpdate();
    await this.loadDeliveries();
  }

  async loadDeliveries(): Promise<void> {
    try {
      this.deliveries = ready(await this.client.deliveries());
    } catch (e) {
      this.deliveries = failed(e);
    }
    this.host.requestUpdate();
  }

  private async run<T>(what: NonNullable<WebhookController['busy']>, fn: () => Promise<T>): Promise<T | undefined> {
    this.busy = what;
    this.error = null;
    this.host.requestUpdate();
    try {
      return await fn();
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      return undefined;
    } finally {
      this.busy = null;
      this.host.requestUpdate();
    }
  }

  async save(url: string, events: WebhookEventType[]): Promise<boolean> {
    const saved = await this.run('save', () => this.client.saveWebhook({ url, events }));
    if (!saved) return false;
    this.webhook = ready({ url: saved.url, events: saved.events });
    if (saved.secret) this.secret = saved.secret;
    this.host.requestUpdate();
    return true;
  }

  async sendTest(): Promise<void> {
    this.test = null;
    const result = await this.run('test', () => this.client.testWebhook());
    if (result) this.test = result;
    this.host.requestUpdate();
    await this.loadDeliveries();
  }

  async rotate(): Promise<void> {
    const rotated = await this.run('rotate', () => this.client.rotateWebhookSecret());
    if (rotated?.secret) this.secret = rotated.secret;
    this.host.requestUpdate();
  }

  async remove(): Promise<boolean> {
    const done = await this.run('remove', async () => (await this.client.deleteWebhook(), true));
    if (done) {
      this.webhook = ready(null);
      this.secret = null;
      this.test = null;
      this.host.requestUpdate();
    }
    return Boolean(done);
  }

  dismissSecret(): void {
    this.secret = null;
    this.host.requestUpdate();
  }
}
