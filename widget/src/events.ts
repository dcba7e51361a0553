/**
 * The events a host page can listen to. All bubble and are composed, so a listener on
 * `document` hears them from inside any shadow tree.
 */

export interface ChatWidgetOpenDetail {
  open: boolean;
}

export interface ChatWidgetMessageDetail {
  role: 'user' | 'assistant';
  id: string;
  text: string;
  sessionId: string | null;
}

export interface ChatWidgetCompleteDetail {
  sessionId: string | null;
  /** The data the assistant collected, as the last `data` event gave it. */
  data: Record<string, unknown>;
}

export type ChatWidgetOpenEvent = CustomEvent<ChatWidgetOpenDetail>;
export type ChatWidgetMessageEvent = CustomEvent<ChatWidgetMessageDetail>;
export type ChatWidgetCompleteEvent = CustomEvent<ChatWidgetCompleteDetail>;

declare global {
  interface HTMLElementEventMap {
    'chat-widget-open': ChatWidgetOpenEvent;
    'chat-widget-close': ChatWidgetOpenEvent;
    'chat-widget-message': ChatWidgetMessageEvent;
    'chat-widget-complete': ChatWidgetCompleteEvent;
  }
}

export function widgetEvent<K extends 'chat-widget-open' | 'chat-widget-close' | 'chat-widget-message' | 'chat-widget-complete'>(
  name: K,
  detail: HTMLElementEventMap[K]['detail'],
): HTMLElementEventMap[K] {
  return new CustomEvent(name, { detail, bubbles: true, composed: true }) as HTMLElementEventMap[K];
}
