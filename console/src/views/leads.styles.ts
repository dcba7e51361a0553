import { css } from 'lit';

export const leadsStyles = css`
  .filters {
    padding: 14px 18px 4px;
  }
  .filter-row {
    display: grid;
    grid-template-columns: repeat(4, minmax(0, 1fr)) auto;
    gap: 0 12px;
    align-items: end;
  }
  .filter-row .clear {
    margin-bottom: 14px;
  }
  .downloads {
    margin-bottom: 14px;
  }
  .downloads .message {
    flex-basis: 100%;
    margin: 0;
  }
  td.data {
    overflow-wrap: anywhere;
  }
  .pager {
    justify-content: space-between;
    margin-top: 12px;
  }
  .empty {
    margin: 6px 0;
  }
  @media (max-width: 900px) {
    .filter-row {
      grid-template-columns: repeat(2, minmax(0, 1fr));
    }
    .filter-row .clear {
      grid-column: 1 / -1;
      justify-self: start;
    }
  }
  @media (max-width: 420px) {
    .filter-row {
      grid-template-columns: minmax(0, 1fr);
    }
  }
`;
