import { LitElement, html } from 'lit';
import { base } from '../styles/base.js';
import { copyButtonStyles } from './copy-button.styles.js';

/**
 * `<console-copy-button>`: copies `value` to the clipboard and says so (a polite live region), with
 * a fallback for pages that are not a secure context (no Clipboard API there).
 *
 * @prop value - The text to copy.
 * @prop label - The button's text, e.g. "Copy snippet".
 * @prop copiedLabel / failedLabel - What the status says after a copy, or when copying failed.
 */
export class CopyButton extends LitElement {
  static override styles = [base, copyButtonStyles];

  static override properties = {
    value: {},
    label: {},
    copiedLabel: { attribute: false },
    failedLabel: { attribute: false },
    _status: { state: true },
  };

  declare value: string;
  declare label: string;
  declare copiedLabel: string;
  declare failedLabel: string;
  declare private _status: 'idle' | 'copied' | 'failed';
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.value = '';
    this.label = 'Copy';
    this.copiedLabel = 'Copied';
    this.failedLabel = 'Could not copy';
    this._status = 'idle';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  private async copy(): Promise<void> {
    let ok = false;
    try {
      await navigator.clipboard.writeText(this.value);
      ok = true;
    } catch {
      ok = this.copyBySelection();
    }
    this._status = ok ? 'copied' : 'failed';
    clearTimeout(this.timer);
    this.timer = setTimeout(() => (this._status = 'idle'), 4000);
  }

  /** The old way, for http pages: select a hidden textarea's text and run the copy command. */
  private copyBySelection(): boolean {
    const area = this.renderRoot.querySelector('textarea');
    if (!area) return false;
    area.value = this.value;
    area.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    } finally {
      this.renderRoot.querySelector('button')?.focus();
    }
  }

  protected override render() {
    return html`<button type="button" @click=${this.copy}>
        <svg viewBox="0 0 24 24" aria-hidden="true"><rect x="8" y="8" width="12" height="12" rx="2"></rect><path d="M16 8V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h2"></path></svg>
        ${this.label}
      </button>
      <span class="status ${this._status}" role="status">${this._status === 'copied' ? this.copiedLabel : this._status === 'failed' ? this.failedLabel : ''}</span>
      <textarea class="offscreen" tabindex="-1" aria-hidden="true"></textarea>`;
  }
}
