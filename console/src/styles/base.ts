import { css } from 'lit';

/** What every view shares: type, buttons, form controls, cards, tables, messages, focus. */
export const base = css`
  :host {
    display: block;
    color: var(--c-fg);
    font-family: var(--font);
    font-size: 15px;
    line-height: 1.5;
  }
  * {
    box-sizing: border-box;
  }
  [hidden] {
    display: none !important;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  :focus-visible,
  input[type='date']:focus,
  input[type='date']:focus-within {
    outline: 3px solid var(--c-accent);
    outline-offset: 2px;
  }
  h1 {
    font-size: 1.6rem;
    line-height: 1.2;
    margin: 0 0 6px;
    letter-spacing: -0.01em;
  }
  h1:focus {
    outline: none;
  }
  h2 {
    font-size: 1.15rem;
    margin: 0 0 12px;
  }
  h3 {
    font-size: 1rem;
    margin: 0 0 8px;
  }
  p {
    margin: 0 0 12px;
  }
  .intro {
    color: var(--c-muted);
    margin-bottom: 20px;
    max-width: 70ch;
  }
  a {
    color: var(--c-accent);
  }
  a:hover {
    color: var(--c-accent-hover);
  }
  code,
  pre {
    font-family: var(--mono);
    font-size: 0.88em;
    color: var(--c-code);
    background: var(--c-code-bg);
    border-radius: 6px;
  }
  code {
    padding: 1px 5px;
    overflow-wrap: anywhere;
  }
  pre {
    margin: 0;
    padding: 12px;
    overflow-x: auto;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    border: 1px solid var(--c-border);
  }
  pre code {
    padding: 0;
    background: none;
  }

  .card {
    background: var(--c-surface);
    border: 1px solid var(--c-border);
    border-radius: var(--radius);
    padding: 18px 20px;
    margin-bottom: 18px;
    min-width: 0;
  }

  button,
  .button {
    font: inherit;
    font-weight: 600;
    font-size: 0.93rem;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    min-height: 38px;
    padding: 7px 14px;
    border-radius: 8px;
    border: 1px solid var(--c-field-border);
    background: var(--c-surface);
    color: var(--c-fg);
    cursor: pointer;
    text-decoration: none;
    white-space: nowrap;
  }
  button:hover:not(:disabled) {
    background: var(--c-surface-2);
  }
  button.primary {
    background: var(--c-accent);
    border-color: var(--c-accent);
    color: var(--c-on-accent);
  }
  button.primary:hover:not(:disabled) {
    background: var(--c-accent-hover);
    border-color: var(--c-accent-hover);
  }
  button.danger {
    color: var(--c-danger);
    border-color: var(--c-danger);
  }
  button.danger:hover:not(:disabled) {
    background: var(--c-danger-bg);
  }
  button.link {
    border: 0;
    background: none;
    padding: 0;
    min-height: 0;
    color: var(--c-accent);
    text-decoration: underline;
    font-weight: 500;
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
  }

  label,
  .label {
    display: block;
    font-weight: 600;
    font-size: 0.9rem;
    margin-bottom: 4px;
  }
  .field {
    margin-bottom: 14px;
    min-width: 0;
  }
  .hint {
    display: block;
    color: var(--c-muted);
    font-size: 0.85rem;
    margin-top: 3px;
  }
  input[type='text'],
  input[type='password'],
  input[type='url'],
  input[type='number'],
  input[type='date'],
  select,
  textarea {
    font: inherit;
    width: 100%;
    min-height: 40px;
    padding: 7px 10px;
    border: 1px solid var(--c-field-border);
    border-radius: 8px;
    background: var(--c-surface);
    color: var(--c-fg);
  }
  input:not([type='checkbox']),
  select {
    height: 40px;
  }
  textarea {
    resize: vertical;
  }
  textarea.code {
    font-family: var(--mono);
    font-size: 0.85rem;
    line-height: 1.45;
  }
  input[aria-invalid='true'],
  textarea[aria-invalid='true'],
  select[aria-invalid='true'] {
    border-color: var(--c-danger);
    border-width: 2px;
  }
  input[type='checkbox'] {
    width: 18px;
    height: 18px;
    accent-color: var(--c-accent);
    margin: 0;
    flex: none;
  }
  .check {
    display: flex;
    align-items: center;
    gap: 8px;
    font-weight: 500;
    margin: 0;
  }
  fieldset {
    border: 0;
    margin: 0;
    padding: 0;
    min-width: 0;
  }
  legend {
    font-weight: 600;
    font-size: 0.9rem;
    padding: 0;
    margin-bottom: 6px;
  }

  .error {
    color: var(--c-danger);
    font-size: 0.88rem;
    margin: 4px 0 0;
  }
  .message {
    border-radius: 8px;
    padding: 10px 14px;
    margin: 0 0 14px;
    border: 1px solid transparent;
  }
  .message.error {
    background: var(--c-danger-bg);
    border-color: var(--c-danger);
    color: var(--c-danger);
    font-size: inherit;
  }
  .message.ok {
    background: var(--c-ok-bg);
    border-color: var(--c-ok);
    color: var(--c-ok);
  }
  .message.warn {
    background: var(--c-warn-bg);
    border-color: var(--c-warn);
    color: var(--c-warn);
  }
  .muted {
    color: var(--c-muted);
  }
  .badge {
    display: inline-block;
    font-size: 0.78rem;
    font-weight: 700;
    padding: 1px 8px;
    border-radius: 999px;
    border: 1px solid currentColor;
    white-space: nowrap;
  }
  .badge.ok {
    color: var(--c-ok);
    background: var(--c-ok-bg);
  }
  .badge.warn {
    color: var(--c-warn);
    background: var(--c-warn-bg);
  }
  .badge.danger {
    color: var(--c-danger);
    background: var(--c-danger-bg);
  }
  .badge.neutral {
    color: var(--c-muted);
  }

  .table-wrap {
    overflow-x: auto;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    font-size: 0.92rem;
  }
  caption {
    text-align: left;
    font-weight: 600;
    padding-bottom: 8px;
  }
  th,
  td {
    text-align: left;
    padding: 9px 10px;
    border-bottom: 1px solid var(--c-border);
    vertical-align: top;
  }
  td code {
    white-space: nowrap;
  }
  th {
    font-size: 0.82rem;
    text-transform: uppercase;
    letter-spacing: 0.03em;
    color: var(--c-muted);
  }
  /* Narrow screens: each row becomes a small card, each cell labelled by its column. */
  @media (max-width: 640px) {
    table.stack thead {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
    }
    table.stack tr {
      display: block;
      border: 1px solid var(--c-border);
      border-radius: 8px;
      margin-bottom: 10px;
      padding: 6px 0;
    }
    table.stack td {
      display: grid;
      grid-template-columns: minmax(90px, 35%) 1fr;
      justify-items: start;
      gap: 8px;
      border: 0;
      padding: 4px 12px;
      overflow-wrap: anywhere;
    }
    table.stack td::before {
      content: attr(data-label);
      font-weight: 600;
      color: var(--c-muted);
      font-size: 0.82rem;
    }
  }

  dl.props {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 6px 18px;
    margin: 0;
  }
  dl.props dt {
    font-weight: 600;
    color: var(--c-muted);
  }
  dl.props dd {
    margin: 0;
    overflow-wrap: anywhere;
    min-width: 0;
  }
  @media (max-width: 480px) {
    dl.props {
      grid-template-columns: 1fr;
      gap: 0;
    }
    dl.props dd {
      margin-bottom: 8px;
    }
  }
`;
