/** Text the console builds from API data (pure, so tested without a browser). */

/** The embed snippet for a site: the script from this gateway, and the tag with the site key. */
export function embedSnippet(origin: string, siteKey: string): string {
  return `<script type="module" src="${origin}/widget.js"></script>\n<chat-widget site-key="${siteKey}"></chat-widget>`;
}

/** A lead's data in one line: `name: Ann Lee · email: ann@example.com · …`. */
export function leadSummary(data: Record<string, unknown>, max = 4): string {
  const parts = Object.entries(data)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return parts.length > max ? `${parts.slice(0, max).join(' · ')} · …` : parts.join(' · ');
}
