/** The console's languages: the widget's four. `de-AT` → German; anything else → English. */
import { de } from './de.js';
import { en } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import type { Strings } from './strings.js';

export type { Strings };
export const LOCALES: Record<string, Strings> = { en, es, fr, de };
/** Each language named in itself, for the language menu. */
export const LANGUAGE_NAMES: Record<string, string> = { en: 'English', es: 'Español', fr: 'Français', de: 'Deutsch' };

export function pickLocale(...candidates: Array<string | null | undefined>): string {
  for (const c of candidates) {
    const primary = c?.trim().toLowerCase().split(/[-_]/)[0];
    if (primary && Object.hasOwn(LOCALES, primary)) return primary;
  }
  return 'en';
}
