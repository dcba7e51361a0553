import { css } from 'lit';

/**
 * Colours are chosen for at least 4.5:1 contrast in both themes (text on background, text on
 * accent, muted text). Hosts restyle through the custom properties and ::part().
 */
export const styles = css`
  :host {
    /* light-dark() picks by color-scheme, which the theme attribute sets: one palette, two modes. */
    --_accent: var(--chat-widget-accent, light-dark(#1d4ed8, #3b82f6));
    --_on-accent: var(--chat-widget-on-accent, light-dark(#ffffff, #0b1020));
    --_bg: var(--chat-widget-bg, light-dark(#ffffff, #111827));
    --_fg: var(--chat-widget-fg, light-dark(#111827, #f3f4f6));
    --_muted: light-dark(#4b5563, #b6bdc9);
    --_bubble: light-dark(#f1f3f7, #1f2937);
    --_border: light-dark(#dfe3ea, #374151);
    --_warn-bg: light-dark(#fff7e6, #3a2a05);
    --_warn-fg: light-dark(#7a4b00, #fcd9a0);
    --_err-bg: light-dark(#fdecec, #3b1212);
    --_err-fg: light-dark(#9b1c1c, #fecaca);
    --_ok: light-dark(#047857, #34d399);
    --_radius: var(--chat-widget-radius, 16px);
    --_offset: var(--chat-widget-offset, 20px);
    --_shadow: 0 12px 40px rgb(15 23 42 / 0.18), 0 2px 8px rgb(15 23 42 / 0.08);
    position: fixed;
    bottom: var(--_offset);
    right: var(--_offset);
    z-index: var(--chat-widget-z-index, 2147483000);
    font-family: var(--chat-widget-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: var(--chat-widget-font-size, 15px);
    line-height: 1.45;
    color: var(--_fg);
    color-scheme: light;
  }
  :host([position='bottom-left']) {
    right: auto;
    left: var(--_offset);
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  :host([theme='auto']) {
    color-scheme: light dark;
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
  button {
    font: inherit;
    cursor: pointer;
  }
  :focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  svg {
    width: 24px;
    height: 24px;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
    stroke-linecap: round;
    stroke-linejoin: round;
  }

  .launcher {
    width: 60px;
    height: 60px;
    border-radius: 50%;
    border: 0;
    display: grid;
    place-items: center;
    background: var(--_accent);
    color: var(--_on-accent);
    box-shadow: var(--_shadow);
    transition: transform 0.15s ease;
  }
  .launcher:hover {
    transform: scale(1.06);
  }
  .launcher svg {
    width: 28px;
    height: 28px;
    fill: currentColor;
    stroke: none;
  }

  .panel {
    position: absolute;
    bottom: 0;
    right: 0;
    width: var(--chat-widget-width, 380px);
    height: var(--chat-widget-height, 600px);
    max-height: calc(100vh - 2 * var(--_offset));
    max-width: calc(100vw - 2 * var(--_offset));
    display: flex;
    flex-direction: column;
    background: var(--_bg);
    color: var(--_fg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: var(--_shadow);
    overflow: hidden;
    animation: rise 0.18s ease-out;
  }
  :host([position='bottom-left']) .panel {
    right: auto;
    left: 0;
  }
  @keyframes rise {
    from {
      opacity: 0;
      transform: translateY(12px) scale(0.98);
    }
  }

  header {
    display: flex;
    align-items: center;
    gap: 10px;
    padding: 14px 12px 14px 16px;
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .avatar {
    width: 10px;
    height: 10px;
    border-radius: 50%;
    background: currentColor;
    opacity: 0.85;
  }
  h2 {
    flex: 1;
    margin: 0;
    font-size: 1.05em;
    font-weight: 600;
  }
  .close {
    border: 0;
    background: transparent;
    color: inherit;
    width: 36px;
    height: 36px;
    border-radius: 50%;
    display: grid;
    place-items: center;
  }
  .close:hover {
    background: rgb(255 255 255 / 0.16);
  }
  .close:focus-visible {
    outline-color: var(--_on-accent);
  }

  .progress {
    padding: 10px 16px 12px;
    border-bottom: 1px solid var(--_border);
    font-size: 0.87em;
  }
  .progress-head {
    display: flex;
    justify-content: space-between;
    color: var(--_muted);
    font-weight: 600;
  }
  /* A <progress>, not a div with an inline width: no style attribute, so a strict CSP (no 'unsafe-inline') holds. */
  .bar {
    appearance: none;
    -webkit-appearance: none;
    display: block;
    width: 100%;
    height: 4px;
    margin: 6px 0 8px;
    border: 0;
    border-radius: 2px;
    background: var(--_bubble);
    overflow: hidden;
  }
  .bar::-webkit-progress-bar {
    background: var(--_bubble);
  }
  .bar::-webkit-progress-value {
    background: var(--_ok);
    transition: width 0.3s ease;
  }
  .bar::-moz-progress-bar {
    background: var(--_ok);
  }
  .progress ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  .progress li {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    padding: 2px 9px 2px 4px;
    border-radius: 999px;
    border: 1px solid var(--_border);
    color: var(--_muted);
  }
  .progress li.done {
    color: var(--_fg);
    border-color: var(--_ok);
  }
  .check {
    width: 16px;
    height: 16px;
    border-radius: 50%;
    display: grid;
    place-items: center;
    font-size: 11px;
    border: 1px solid var(--_border);
  }
  .done .check {
    background: var(--_ok);
    border-color: var(--_ok);
    color: var(--_bg);
  }
  /* Optional fields: a dashed outline until they are given. */
  .progress li.opt:not(.done) {
    border-style: dashed;
  }

  .log {
    flex: 1;
    overflow-y: auto;
    padding: 16px;
    display: flex;
    flex-direction: column;
    gap: 10px;
    scroll-behavior: smooth;
    overscroll-behavior: contain;
  }
  .msg {
    max-width: 85%;
    padding: 9px 13px;
    border-radius: var(--_radius);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .msg.assistant {
    align-self: flex-start;
    background: var(--_bubble);
    border-bottom-left-radius: 4px;
  }
  .msg.user {
    align-self: flex-end;
    background: var(--_accent);
    color: var(--_on-accent);
    border-bottom-right-radius: 4px;
  }
  .complete-mark {
    align-self: center;
    padding: 3px 12px;
    border: 1px solid var(--_ok);
    border-radius: 999px;
    font-size: 0.85em;
  }
  .msg a {
    color: inherit;
    text-decoration: underline;
  }
  .fatal {
    margin: auto 0;
    padding: 14px;
    border-radius: var(--_radius);
    background: var(--_err-bg);
    color: var(--_err-fg);
    text-align: center;
  }
  .typing {
    align-self: flex-start;
    display: flex;
    gap: 4px;
    padding: 12px 14px;
    border-radius: var(--_radius);
    background: var(--_bubble);
  }
  .typing i {
    width: 7px;
    height: 7px;
    border-radius: 50%;
    background: var(--_muted);
    animation: blink 1.2s infinite ease-in-out;
  }
  .typing i:nth-of-type(2) {
    animation-delay: 0.15s;
  }
  .typing i:nth-of-type(3) {
    animation-delay: 0.3s;
  }
  @keyframes blink {
    0%, 80%, 100% { opacity: 0.3; transform: translateY(0); }
    40% { opacity: 1; transform: translateY(-3px); }
  }

  .notice {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 10px;
    margin: 0 12px 8px;
    padding: 8px 12px;
    border-radius: 10px;
    font-size: 0.9em;
    background: var(--_warn-bg);
    color: var(--_warn-fg);
  }
  .notice.error {
    background: var(--_err-bg);
    color: var(--_err-fg);
  }
  .notice.info {
    background: var(--_bubble);
    color: var(--_fg);
  }
  .retry {
    border: 1px solid currentColor;
    background: transparent;
    color: inherit;
    border-radius: 8px;
    padding: 3px 10px;
    white-space: nowrap;
  }

  .composer {
    display: flex;
    align-items: flex-end;
    gap: 8px;
    padding: 10px 12px 12px;
    border-top: 1px solid var(--_border);
  }
  textarea {
    flex: 1;
    resize: none;
    min-height: 42px;
    max-height: 120px;
    field-sizing: content;
    padding: 10px 12px;
    border: 1px solid var(--_border);
    border-radius: 12px;
    font: inherit;
    color: var(--_fg);
    background: var(--_bg);
  }
  textarea::placeholder {
    color: var(--_muted);
  }
  textarea:focus-visible {
    outline-offset: 0;
  }
  .send {
    width: 42px;
    height: 42px;
    flex: none;
    border: 0;
    border-radius: 12px;
    display: grid;
    place-items: center;
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .send:disabled {
    cursor: default;
    opacity: 0.55;
  }
  .send svg {
    width: 20px;
    height: 20px;
  }

  /* Phones: the panel is the whole screen. */
  @media (max-width: 479.98px) {
    .panel {
      position: fixed;
      inset: 0;
      width: 100%;
      height: 100%;
      max-width: none;
      max-height: none;
      border: 0;
      border-radius: 0;
    }
  }

  @media (prefers-reduced-motion: reduce) {
    *,
    .panel,
    .typing i {
      animation: none !important;
      transition: none !important;
    }
    .log {
      scroll-behavior: auto;
    }
  }
`;
