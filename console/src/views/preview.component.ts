import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import type { AdminClient } from '../api/admin-client.js';
import { PreviewController } from '../controllers/preview.controller.js';
import type { Draft } from '../controllers/template-draft.js';
import { en } from '../i18n/en.js';
import type { Strings } from '../i18n/strings.js';
import { base } from '../styles/base.js';
import type { Theme } from './console-view.js';
import { previewStyles } from './preview.styles.js';

/**
 * `<console-preview>`: the real `<chat-widget>` (loaded by the page from /widget.js) running the
 * editor's draft against the real gateway and engine, through a preview token (`getToken`).
 *
 * @prop client - The admin API client (for preview tokens).
 * @prop draft - The draft template body; @prop valid - whether it passes the validator.
 * @attr api - The gateway's origin, for the widget.
 * @attr locale / theme - Passed on to the widget's `lang` and `theme`.
 */
export class PreviewPane extends LitElement {
  static override styles = [base, previewStyles];

  static override properties = {
    client: { attribute: false },
    draft: { attribute: false },
    valid: { type: Boolean },
    strings: { attribute: false },
    api: {},
    locale: {},
    theme: {},
  };

  declare client: AdminClient | undefined;
  declare draft: Draft;
  declare valid: boolean;
  declare strings: Strings;
  declare api: string;
  declare locale: string;
  declare theme: Theme;

  private readonly preview = new PreviewController(this);

  constructor() {
    super();
    this.client = undefined;
    this.draft = {};
    this.valid = false;
    this.strings = en;
    this.api = '';
    this.locale = 'en';
    this.theme = 'auto';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('draft') || changed.has('valid')) this.preview.setDraft(this.draft, this.valid);
  }

  private get assistantName(): string {
    const a = this.draft.assistant as { name?: unknown } | undefined;
    return typeof a?.name === 'string' ? a.name : '';
  }

  protected override render() {
    const s = this.strings;
    const p = this.preview;
    const status =
      p.state === 'starting'
        ? s.previewStarting
        : p.state === 'ready'
          ? s.previewReady
          : p.state === 'stale'
            ? s.previewStale
            : p.state === 'error'
              ? s.previewFailed(p.error ?? '')
              : '';
    return html`<section aria-labelledby="preview-title">
      <h2 id="preview-title">${s.previewSection}</h2>
      <p class="hint">${s.previewIntro}</p>
      <div class="status ${p.state}" role="status" data-state=${p.state}>${status}</div>
      ${p.state === 'error' || p.state === 'ready' ? html`<button type="button" class="restart" @click=${() => p.restart()}>${s.restartPreview}</button>` : nothing}
      <div class="stage">
        ${
          p.generation
            ? keyed(
                p.generation,
                html`<chat-widget
                open
                show-progress
                data-preview=${p.generation}
                api=${this.api}
                lang=${this.locale}
                theme=${this.theme}
                title=${this.assistantName || nothing}
                .getToken=${p.getToken}
              ></chat-widget>`,
              )
            : nothing
        }
      </div>
    </section>`;
  }
}
