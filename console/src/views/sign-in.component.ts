import { html, nothing } from 'lit';
import type { SessionController, SessionState, SignInProblem } from '../controllers/session.controller.js';
import type { Strings } from '../i18n/strings.js';
import { ConsoleView } from './console-view.js';
import { signInStyles } from './sign-in.styles.js';

/**
 * `<console-sign-in>`: the tenant key form. A wrong or revoked key, the operator's key and an
 * unreachable server each get their own message, announced (role=alert) and tied to the field.
 *
 * @prop session - The app's SessionController, which signs in.
 * @prop state - Its current state (for the problem to show and the busy button).
 */
export class SignInView extends ConsoleView {
  static override styles = [...ConsoleView.styles, signInStyles];

  static override properties = { ...ConsoleView.properties, session: { attribute: false }, state: { attribute: false } };

  declare session: SessionController | undefined;
  declare state: SessionState;

  constructor() {
    super();
    this.session = undefined;
    this.state = { kind: 'signed-out' };
  }

  private problemText(p: SignInProblem | undefined, message: string | undefined, s: Strings): string | null {
    switch (p) {
      case 'empty':
        return s.keyEmpty;
      case 'wrong':
        return s.keyWrong;
      case 'operator':
        return s.keyOperator;
      case 'revoked':
        return s.keyRevoked;
      case 'unreachable':
        return s.unreachable;
      case 'other':
        return s.failed(message ?? '');
      case 'signed-out':
        return s.signedOut;
      default:
        return null;
    }
  }

  private onSubmit(e: SubmitEvent): void {
    e.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#key');
    void this.session?.signIn(input?.value ?? '').then(() => {
      if (this.state.kind === 'signed-out' && this.state.problem) this.renderRoot.querySelector<HTMLInputElement>('#key')?.focus();
    });
  }

  protected override render() {
    const s = this.strings;
    const busy = this.state.kind === 'signing-in';
    const st = this.state.kind === 'signed-out' ? this.state : undefined;
    const problem = this.problemText(st?.problem, st?.message, s);
    const info = st?.problem === 'signed-out';
    return html`<section class="card sign-in">
      <h1 tabindex="-1">${s.signInTitle}</h1>
      <p class="intro">${s.signInIntro}</p>
      ${info ? html`<p class="message ok" role="status">${problem}</p>` : nothing}
      <form @submit=${this.onSubmit} novalidate>
        <div class="field">
          <label for="key">${s.keyLabel}</label>
          <input
            id="key"
            name="key"
            type="password"
            autocomplete="off"
            spellcheck="false"
            autofocus
            aria-describedby="key-hint ${problem && !info ? 'key-error' : ''}"
            aria-invalid=${problem && !info ? 'true' : 'false'}
          />
          <span class="hint" id="key-hint">${s.keyHint}</span>
          ${problem && !info ? html`<p class="message error" id="key-error" role="alert">${problem}</p>` : nothing}
        </div>
        <button class="primary" type="submit" ?disabled=${busy}>${busy ? s.signingIn : s.signIn}</button>
      </form>
    </section>`;
  }
}
