import { css } from 'lit';

export const sitesStyles = css`
  .site h2 {
    font-family: var(--mono);
    font-size: 1.1rem;
  }
  .site h3 {
    margin-top: 16px;
    margin-bottom: 2px;
  }
  .site .hint {
    margin: 0 0 8px;
  }
  .origins {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  .edit-origins {
    margin-top: 2px;
  }
  .edit-origins .actions {
    margin-top: 8px;
  }
  .snippet {
    margin-bottom: 10px;
  }
  .spacer {
    flex: 1;
  }
  .grid {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: 0 16px;
  }
  @media (max-width: 640px) {
    .grid {
      grid-template-columns: 1fr;
    }
  }
`;
