/**
 * The live preview's state. A draft that validates gets a preview token
 * (`POST …/preview-token {template}`: a visitor token bound to that draft) and a fresh widget; a
 * changed draft means a new token and a new widget, so a new preview session. Edits are debounced,
 * so typing a word costs one token, not one per key. Preview sessions never become leads (the
 * gateway records no site for them).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AdminClient, PreviewToken } from '../api/admin-client.js';
import { toBody, type Draft } from './template-draft.js';

export const PREVIEW_DEBOUNCE_MS = 400;
/** Ask for a new token this long before the old one expires. */
const EXPIRY_MARGIN_MS = 15_000;

export type PreviewState = 'idle' | 'starting' | 'ready' | 'stale' | 'error';

type Host = ReactiveControllerHost & { client: AdminClient | undefined };

export class PreviewController implements ReactiveController {
  state: PreviewState = 'idle';
  error: string | null = null;
  /** +1 per preview session: the widget is keyed by it, so each session gets a new element. */
  generation = 0;
  /** The widget's `getToken` for the current session. */
  getToken: () => Promise<string> = () => Promise.reject(new Error('no preview yet'));

  /** The body (as JSON) the current widget runs, and the one asked for. */
  private running = '';
  private wanted = '';
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: Host) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
  }

  /** The editor's draft changed: preview it once the edits settle, if it is valid. */
  setDraft(draft: Draft, valid: boolean): void {
    clearTimeout(this.timer);
    if (!valid) {
      this.wanted = '';
      this.set(this.generation ? 'stale' : 'idle');
      return;
    }
    const body = JSON.stringify(toBody(draft));
    this.wanted = body;
    if (body === this.running && this.state === 'ready') return;
    this.set('starting');
    this.timer = setTimeout(() => void this.start(body), PREVIEW_DEBOUNCE_MS);
  }

  /** A new preview session for the same draft. */
  restart(): void {
    if (!this.wanted && !this.running) return;
    const body = this.wanted || this.running;
    this.set('starting');
    void this.start(body);
  }

  private async start(body: string): Promise<void> {
    let token: PreviewToken;
    try {
      token = await this.fetchToken(body);
    } catch (e) {
      if (body === this.wanted) {
        this.error = e instanceof Error ? e.message : String(e);
        this.set('error');
      }
      return;
    }
    // A newer draft was asked for meanwhile: its own request will land.
    if (body !== this.wanted) return;
    let held = token;
    this.getToken = async () => {
      if (Date.parse(held.expiresAt) - Date.now() < EXPIRY_MARGIN_MS) held = await this.fetchToken(body);
      return held.token;
    };
    this.running = body;
    this.generation++;
    this.error = null;
    this.set('ready');
  }

  private fetchToken(body: string): Promise<PreviewToken> {
    const client = this.host.client;
    if (!client) return Promise.reject(new Error('signed out'));
    return client.previewToken(JSON.parse(body));
  }

  private set(state: PreviewState): void {
    this.state = state;
    this.host.requestUpdate();
  }
}
