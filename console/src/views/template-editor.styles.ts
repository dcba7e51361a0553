import { css } from 'lit';

export const templateEditorStyles = css`
  .bar {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 8px 16px;
    align-items: center;
    position: sticky;
    top: 8px;
    z-index: 2;
    padding: 12px 16px;
  }
  .badges {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
  }
  .outcome,
  .problems {
    grid-column: 1 / -1;
  }
  .outcome .message {
    margin: 0;
  }
  .problems p {
    margin: 0;
    font-weight: 600;
    font-size: 0.9rem;
  }
  .problems ul {
    margin: 4px 0 0;
    padding-left: 18px;
    max-height: 120px;
    overflow: auto;
    color: var(--c-danger);
    font-size: 0.88rem;
  }
  .layout {
    display: grid;
    grid-template-columns: minmax(0, 1fr) 400px;
    gap: 20px;
    align-items: start;
  }
  .side {
    position: sticky;
    top: 8px;
  }
  .row {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(170px, 1fr));
    gap: 0 14px;
    align-items: start;
  }
  .field-card {
    border: 1px solid var(--c-border);
    border-radius: 8px;
    padding: 12px 14px 14px;
    margin-bottom: 14px;
    background: var(--c-surface);
  }
  .field-card legend {
    font-family: var(--mono);
    font-size: 0.95rem;
    padding: 0 6px;
    margin-left: -6px;
  }
  .field-card .grid {
    display: grid;
    grid-template-columns: repeat(4, minmax(0, 1fr));
    gap: 0 12px;
    align-items: start;
  }
  .field-card .wide {
    grid-column: span 2;
  }
  .field.required {
    padding-top: 28px;
  }
  .field-card .field {
    margin-bottom: 10px;
  }
  @media (max-width: 1200px) and (min-width: 1061px), (max-width: 760px) {
    .field-card .grid {
      grid-template-columns: repeat(2, minmax(0, 1fr));
    }
  }
  @media (max-width: 480px) {
    .field-card .grid {
      grid-template-columns: minmax(0, 1fr);
    }
    .field-card .wide {
      grid-column: auto;
    }
    .field.required {
      padding-top: 0;
    }
  }
  .field-actions {
    justify-content: flex-end;
  }
  ul.error.other {
    padding-left: 18px;
  }
  .versions ol {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .versions li {
    border-top: 1px solid var(--c-border);
    padding: 10px 0;
  }
  .versions li:first-child {
    border-top: 0;
    padding-top: 0;
  }
  .version-head {
    display: flex;
    gap: 8px;
    align-items: center;
  }
  .versions p {
    margin: 2px 0 6px;
  }
  details {
    margin-bottom: 8px;
  }
  summary {
    cursor: pointer;
    color: var(--c-accent);
    font-weight: 600;
    font-size: 0.9rem;
  }
  details pre {
    margin-top: 6px;
    max-height: 260px;
  }
  @media (max-width: 1060px) {
    .layout {
      grid-template-columns: minmax(0, 1fr);
    }
    .side {
      position: static;
    }
    .bar {
      position: static;
    }
  }
`;
