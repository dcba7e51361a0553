import { css } from 'lit';

export const confirmDialogStyles = css`
  :host {
    display: contents;
  }
  dialog {
    border: 1px solid var(--c-border);
    border-radius: var(--radius);
    background: var(--c-surface);
    color: var(--c-fg);
    padding: 22px 24px;
    width: min(460px, calc(100vw - 32px));
    box-shadow: 0 20px 50px rgb(0 0 0 / 0.3);
  }
  dialog::backdrop {
    background: rgb(10 15 25 / 0.55);
  }
  .actions {
    justify-content: flex-end;
    margin-top: 18px;
  }
`;
