import { css } from 'lit';

export const templatesStyles = css`
  form.new {
    display: grid;
    grid-template-columns: minmax(0, 360px) max-content;
    gap: 12px;
    align-items: start;
  }
  form.new button {
    margin-top: 27px;
  }
  @media (max-width: 640px) {
    form.new {
      grid-template-columns: 1fr;
    }
    form.new button {
      margin-top: 0;
    }
  }
`;
