/**
 * The entry point (`/console.js`): defines `<chat-console>` and the elements of its views. The page
 * (console/index.html, served at /console) also loads `/widget.js` for the template editor's live
 * preview. Styles are Lit's constructable stylesheets only: no inline style, so a strict CSP holds.
 */
import { css } from 'lit';
import { ConsoleApp } from './console-app.component.js';
import { ConfirmDialog } from './ui/confirm-dialog.component.js';
import { CopyButton } from './ui/copy-button.component.js';
import { LeadView } from './views/lead.component.js';
import { LeadsView } from './views/leads.component.js';
import { PreviewPane } from './views/preview.component.js';
import { SignInView } from './views/sign-in.component.js';
import { SitesView } from './views/sites.component.js';
import { TemplateEditorView } from './views/template-editor.component.js';
import { TemplatesView } from './views/templates.component.js';
import { WebhookPage } from './views/webhook.component.js';

export { ConsoleApp };

const ELEMENTS = {
  'chat-console': ConsoleApp,
  'console-sign-in': SignInView,
  'console-sites': SitesView,
  'console-templates': TemplatesView,
  'console-template-editor': TemplateEditorView,
  'console-preview': PreviewPane,
  'console-leads': LeadsView,
  'console-lead': LeadView,
  'console-webhook': WebhookPage,
  'console-copy-button': CopyButton,
  'console-confirm': ConfirmDialog,
} as const;

declare global {
  interface HTMLElementTagNameMap {
    'chat-console': ConsoleApp;
    'console-sign-in': SignInView;
    'console-sites': SitesView;
    'console-templates': TemplatesView;
    'console-template-editor': TemplateEditorView;
    'console-preview': PreviewPane;
    'console-leads': LeadsView;
    'console-lead': LeadView;
    'console-webhook': WebhookPage;
    'console-copy-button': CopyButton;
    'console-confirm': ConfirmDialog;
  }
}

// The page itself: no margin, and the scrollbars follow the console's theme.
const page = css`
  body {
    margin: 0;
  }
  :root:has(chat-console[theme='dark']) {
    color-scheme: dark;
    background: #0d1219;
  }
  :root:has(chat-console[theme='light']) {
    color-scheme: light;
  }
  :root:has(chat-console[theme='auto']) {
    color-scheme: light dark;
  }
`.styleSheet;
if (page) document.adoptedStyleSheets = [...document.adoptedStyleSheets, page];

for (const [tag, element] of Object.entries(ELEMENTS)) if (!customElements.get(tag)) customElements.define(tag, element);
