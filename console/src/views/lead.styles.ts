import { css } from 'lit';

export const leadStyles = css`
  .back {
    margin-bottom: 10px;
  }
  .head {
    display: flex;
    justify-content: space-between;
    align-items: flex-start;
    gap: 12px;
    flex-wrap: wrap;
    margin-bottom: 16px;
  }
  .head p {
    margin: 4px 0 0;
  }
  code.id {
    margin-left: 6px;
  }
  .columns {
    display: grid;
    grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
    gap: 18px;
    align-items: start;
  }
  ul.plain {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .transcript {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: 10px;
  }
  .transcript li {
    max-width: 88%;
    padding: 8px 12px;
    border-radius: 12px;
    background: var(--c-surface-2);
  }
  .transcript li.user {
    align-self: flex-end;
    background: var(--c-accent-soft);
  }
  .transcript .who {
    display: block;
    font-size: 0.78rem;
    font-weight: 700;
    color: var(--c-muted);
  }
  .transcript p {
    margin: 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  @media (max-width: 860px) {
    .columns {
      grid-template-columns: minmax(0, 1fr);
    }
  }
`;
