import { css } from 'lit';

export const webhookStyles = css`
  .columns {
    display: grid;
    grid-template-columns: minmax(0, 5fr) minmax(0, 7fr);
    gap: 18px;
    align-items: start;
  }
  .events .check {
    margin-bottom: 8px;
  }
  .secret pre {
    margin-bottom: 10px;
  }
  .test-result .message {
    margin: 12px 0 0;
  }
  .section-head {
    display: flex;
    justify-content: space-between;
    align-items: center;
    gap: 8px;
    margin-bottom: 8px;
  }
  .section-head h2 {
    margin: 0;
  }
  @media (max-width: 1000px) {
    .columns {
      grid-template-columns: minmax(0, 1fr);
    }
  }
`;
