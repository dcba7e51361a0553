import { css } from 'lit';

export const appStyles = css`
  :host {
    display: block;
    min-height: 100vh;
    background: var(--c-bg);
    color-scheme: light dark;
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  /* Off screen until focused: the first Tab stop, for keyboard users to jump past the header. */
  .skip {
    position: absolute;
    left: 12px;
    top: -80px;
    z-index: 10;
    background: var(--c-accent);
    border-color: var(--c-accent);
    color: var(--c-on-accent);
  }
  .skip:focus {
    top: 10px;
  }
  header.top {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 10px 22px;
    padding: 10px 24px;
    background: var(--c-surface);
    border-bottom: 1px solid var(--c-border);
  }
  .brand {
    display: flex;
    align-items: center;
    gap: 8px;
    font-weight: 700;
    min-width: 0;
  }
  .brand svg {
    width: 24px;
    height: 24px;
    fill: var(--c-accent);
    flex: none;
  }
  .tenant {
    font-weight: 500;
    color: var(--c-muted);
    border-left: 1px solid var(--c-border);
    padding-left: 8px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  nav ul {
    display: flex;
    gap: 4px;
    list-style: none;
    margin: 0;
    padding: 0;
    flex-wrap: wrap;
  }
  nav a {
    display: block;
    padding: 8px 12px;
    border-radius: 8px;
    color: var(--c-fg);
    text-decoration: none;
    font-weight: 600;
  }
  nav a:hover {
    background: var(--c-surface-2);
    color: var(--c-fg);
  }
  nav a[aria-current='page'] {
    background: var(--c-accent-soft);
    color: var(--c-accent);
    box-shadow: inset 0 -3px 0 var(--c-accent);
  }
  .prefs {
    display: flex;
    gap: 10px;
    margin-left: auto;
    flex-wrap: wrap;
  }
  .pref {
    display: flex;
    align-items: center;
    gap: 6px;
    margin: 0;
    font-weight: 500;
    font-size: 0.85rem;
    color: var(--c-muted);
  }
  .pref select {
    width: auto;
    min-height: 34px;
    padding: 4px 8px;
    font-size: 0.9rem;
  }
  main {
    max-width: 1240px;
    margin: 0 auto;
    padding: 28px 24px 60px;
  }
  main:focus {
    outline: none;
  }
  @media (max-width: 760px) {
    header.top {
      padding: 10px 14px;
      gap: 8px 12px;
    }
    .brand {
      flex: 1 1 auto;
    }
    nav {
      order: 3;
      flex: 1 1 100%;
    }
    nav ul {
      flex-wrap: nowrap;
      justify-content: space-between;
    }
    nav a {
      padding: 8px 10px;
    }
    .prefs {
      order: 4;
      margin-left: 0;
      flex: 1 1 100%;
    }
    main {
      padding: 20px 14px 48px;
    }
  }
  /* A phone: the tenant's name is enough beside the icon (the app's name stays for screen readers). */
  @media (max-width: 480px) {
    .app-name {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
    }
    .tenant {
      border-left: 0;
      padding-left: 0;
    }
  }
`;
