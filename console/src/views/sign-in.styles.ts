import { css } from 'lit';

export const signInStyles = css`
  .sign-in {
    max-width: 460px;
    margin: 6vh auto 0;
    padding: 28px;
  }
  .sign-in .message.error {
    margin-top: 10px;
  }
  button[type='submit'] {
    width: 100%;
  }
`;
