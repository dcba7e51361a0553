import { LitElement, html } from 'lit';
import { base } from '../styles/base.js';
import { confirmDialogStyles } from './confirm-dialog.styles.js';

export interface ConfirmOptions {
  title: string;
  message: string;
  confirm: string;
  cancel: string;
  /** A destructive action: the confirm button is red, and Cancel has the focus first. */
  danger?: boolean;
}

/**
 * `<console-confirm>`: a modal question before something that cannot be undone. A native
 * `<dialog>` opened with `showModal()`: focus stays inside, Esc cancels, and focus goes back to
 * what had it when the dialog closes.
 *
 * @method ask(options) - Opens the dialog; resolves true when confirmed, false when cancelled.
 */
export class ConfirmDialog extends LitElement {
  static override styles = [base, confirmDialogStyles];

  static override properties = { _options: { state: true } };

  declare private _options: ConfirmOptions | null;
  private resolve: ((ok: boolean) => void) | undefined;
  private returnFocus: HTMLElement | null = null;

  constructor() {
    super();
    this._options = null;
  }

  async ask(options: ConfirmOptions): Promise<boolean> {
    this.resolve?.(false);
    this.returnFocus = deepActiveElement();
    this._options = options;
    await this.updateComplete;
    const dialog = this.renderRoot.querySelector('dialog')!;
    dialog.showModal();
    this.renderRoot.querySelector<HTMLElement>(options.danger ? 'button.cancel' : 'button.confirm')?.focus();
    return new Promise((resolve) => (this.resolve = resolve));
  }

  private finish(ok: boolean): void {
    this.renderRoot.querySelector('dialog')?.close();
    const resolve = this.resolve;
    this.resolve = undefined;
    resolve?.(ok);
    this.returnFocus?.focus();
  }

  protected override render() {
    const o = this._options;
    return html`<dialog aria-labelledby="title" aria-describedby="message" @cancel=${(e: Event) => {
      e.preventDefault();
      this.finish(false);
    }}>
      ${
        o
          ? html`<h2 id="title">${o.title}</h2>
            <p id="message">${o.message}</p>
            <div class="actions">
              <button type="button" class="cancel" @click=${() => this.finish(false)}>${o.cancel}</button>
              <button type="button" class="confirm ${o.danger ? 'danger' : 'primary'}" @click=${() => this.finish(true)}>${o.confirm}</button>
            </div>`
          : null
      }
    </dialog>`;
  }
}

/** The focused element, looking through shadow roots. */
function deepActiveElement(): HTMLElement | null {
  let el: Element | null = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el instanceof HTMLElement ? el : null;
}
