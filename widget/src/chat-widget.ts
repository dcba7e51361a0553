/** The entry point: `<script type="module" src=".../widget.js">` defines `<chat-widget>`. */
import { ChatWidget } from './chat-widget.component.js';

export { ChatWidget };
export type * from './events.js';

declare global {
  interface HTMLElementTagNameMap {
    'chat-widget': ChatWidget;
  }
}

// Defining twice throws; a page that includes the script twice keeps the first definition.
if (!customElements.get('chat-widget')) customElements.define('chat-widget', ChatWidget);
