/**
 * The one SSE codec, used by every hop: the engine encodes, the gateway parses and re-encodes,
 * the widget parses. Data is always one line of JSON, so a payload can never inject a field.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { isWireEvent, type WireEvent } from './events.js';

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  connection: 'keep-alive',
} as const;

/** A comment line that keeps idle connections open through proxies. */
export const SSE_PING = ': ping\n\n';

const stripNewlines = (s: string) => s.replace(/[\r\n]/g, '');

/** Encode one event. JSON.stringify never emits a raw newline, so `data:` is one line. */
export function encodeEvent(ev: WireEvent): string {
  const id = ev.id !== undefined ? `id: ${stripNewlines(ev.id)}\n` : '';
  return `${id}event: ${ev.event}\ndata: ${JSON.stringify(ev.data)}\n\n`;
}

export interface ParsedEvent {
  /** The event, when it matched the contract. */
  event?: WireEvent;
  /** Why it did not, when it did not. */
  problem?: string;
  raw: EventSourceMessage;
}

export interface SseParserOptions {
  onEvent: (ev: WireEvent) => void;
  /** An event that is not valid JSON or does not match the contract. */
  onInvalid?: (problem: string, raw: EventSourceMessage) => void;
  /** Comment lines such as `: ping`. */
  onComment?: (comment: string) => void;
}

/** Turn a raw SSE message into a contract event, or say what is wrong with it. */
export function decodeMessage(raw: EventSourceMessage): ParsedEvent {
  let data: unknown;
  try {
    data = JSON.parse(raw.data);
  } catch {
    return { problem: 'data is not JSON', raw };
  }
  const candidate = { event: raw.event ?? 'message', data, ...(raw.id !== undefined ? { id: raw.id } : {}) };
  if (!isWireEvent(candidate)) return { problem: `event "${String(raw.event)}" does not match the contract`, raw };
  return { event: candidate, raw };
}

/** An incremental parser: feed it decoded text chunks in any split. */
export function createSseParser(opts: SseParserOptions): { feed(chunk: string): void; reset(): void } {
  const parser = createParser({
    onEvent(raw) {
      const parsed = decodeMessage(raw);
      if (parsed.event) opts.onEvent(parsed.event);
      else opts.onInvalid?.(parsed.problem ?? 'invalid', raw);
    },
    onComment: opts.onComment ? (c) => opts.onComment?.(c) : undefined,
  });
  return { feed: (chunk) => parser.feed(chunk), reset: () => parser.reset() };
}

/** Read a byte stream (fetch body, undici body) to the end, yielding contract events. */
export async function* readSse(body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>, onInvalid?: (problem: string) => void): AsyncGenerator<WireEvent> {
  const queue: WireEvent[] = [];
  const parser = createSseParser({ onEvent: (e) => queue.push(e), onInvalid: (p) => onInvalid?.(p) });
  const decoder = new TextDecoder();
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    while (queue.length) yield queue.shift() as WireEvent;
  }
  parser.feed(decoder.decode());
  while (queue.length) yield queue.shift() as WireEvent;
}
