/** What every view of the console gets from the app: the API client, the strings and the locale. */
import { LitElement } from 'lit';
import type { AdminClient } from '../api/admin-client.js';
import { en } from '../i18n/en.js';
import type { Strings } from '../i18n/strings.js';
import { base } from '../styles/base.js';

export type Theme = 'auto' | 'light' | 'dark';

export abstract class ConsoleView extends LitElement {
  static override styles = [base];

  static override properties = {
    client: { attribute: false },
    strings: { attribute: false },
    locale: {},
    theme: {},
  };

  declare client: AdminClient | undefined;
  declare strings: Strings;
  declare locale: string;
  declare theme: Theme;

  constructor() {
    super();
    this.client = undefined;
    this.strings = en;
    this.locale = 'en';
    this.theme = 'auto';
  }

  /** Dates and times in the console's language, in the browser's time zone. */
  protected when(iso: string | undefined): string {
    if (!iso) return '';
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
  }

  /** The same, short, for table cells. */
  protected whenShort(iso: string | undefined): string {
    if (!iso) return '';
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat(this.locale, { dateStyle: 'short', timeStyle: 'short' }).format(d);
  }

  /** Move focus to the view's heading (after a navigation), for keyboard and screen-reader users. */
  async focusHeading(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('h1')?.focus();
  }
}
