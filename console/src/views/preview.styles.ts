import { css } from 'lit';

export const previewStyles = css`
  :host {
    display: block;
  }
  h2 {
    margin-bottom: 4px;
  }
  .hint {
    margin: 0 0 10px;
  }
  .status {
    font-size: 0.88rem;
    font-weight: 600;
    min-height: 1.4em;
    margin-bottom: 8px;
    color: var(--c-muted);
  }
  .status.ready {
    color: var(--c-ok);
  }
  .status.stale {
    color: var(--c-warn);
  }
  .status.error {
    color: var(--c-danger);
  }
  .restart {
    margin-bottom: 10px;
  }
  .stage {
    height: 580px;
    border-radius: var(--radius);
    background: repeating-linear-gradient(45deg, var(--c-surface-2), var(--c-surface-2) 10px, var(--c-bg) 10px, var(--c-bg) 20px);
    border: 1px dashed var(--c-border);
  }
  /* The widget is fixed to the viewport's corner on a customer's page; here it sits in the stage. */
  chat-widget {
    position: relative;
    inset: auto;
    z-index: auto;
    display: block;
    height: 100%;
    --chat-widget-offset: 0px;
  }
  chat-widget::part(panel) {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    max-width: none;
    max-height: none;
    border-radius: var(--radius);
  }
  chat-widget::part(launcher) {
    position: absolute;
    right: 16px;
    bottom: 16px;
  }
  @media (max-width: 640px) {
    .stage {
      height: 520px;
    }
  }
`;
