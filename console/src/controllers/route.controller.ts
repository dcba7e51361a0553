/** The view in the address bar's hash (`#/leads/sub_…`), so reloads and the back button work. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type View = 'sites' | 'templates' | 'template' | 'leads' | 'lead' | 'webhook' | 'not-found';

export interface Route {
  view: View;
  /** The template id or the lead id. */
  id?: string;
}

export function parseRoute(hash: string): Route {
  const [head = '', rawId, ...rest] = hash.replace(/^#\/?/, '').split('/');
  const id = rawId ? decodeURIComponent(rawId) : undefined;
  if (rest.length) return { view: 'not-found' };
  if (head === '' || head === 'sites') return id ? { view: 'not-found' } : { view: 'sites' };
  if (head === 'templates') return id ? { view: 'template', id } : { view: 'templates' };
  if (head === 'leads') return id ? { view: 'lead', id } : { view: 'leads' };
  if (head === 'webhook' && !id) return { view: 'webhook' };
  return { view: 'not-found' };
}

export const href = (view: 'sites' | 'templates' | 'leads' | 'webhook', id?: string) => `#/${view}${id ? `/${encodeURIComponent(id)}` : ''}`;

export class RouteController implements ReactiveController {
  route: Route = parseRoute(location.hash);
  /** Set when the route changed after the first render: the view then takes focus. */
  navigated = false;

  private readonly onHashChange = () => {
    this.route = parseRoute(location.hash);
    this.navigated = true;
    this.host.requestUpdate();
  };

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('hashchange', this.onHashChange);
  }

  hostDisconnected(): void {
    window.removeEventListener('hashchange', this.onHashChange);
  }

  go(hash: string): void {
    if (location.hash === hash) this.onHashChange();
    else location.hash = hash;
  }
}
