import { css } from 'lit';

export const copyButtonStyles = css`
  :host {
    display: inline-flex;
    align-items: center;
    gap: 10px;
    flex-wrap: wrap;
  }
  svg {
    width: 16px;
    height: 16px;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
  }
  .status {
    font-size: 0.88rem;
    font-weight: 600;
  }
  .status.copied {
    color: var(--c-ok);
  }
  .status.failed {
    color: var(--c-danger);
  }
  .offscreen {
    position: fixed;
    left: -9999px;
    top: 0;
    width: 1px;
    height: 1px;
    opacity: 0;
  }
`;
