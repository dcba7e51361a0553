/**
 * Read a chat stream the way `curl -N` does: a plain HTTP request, bytes handed over as each socket
 * read arrives, parsed with the shared SSE codec. Records which read carried each event, so a test
 * can tell incremental delivery from one buffered blob.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createSseParser, type WireEvent } from '@chat/shared';

export interface StreamedEvent {
  ev: WireEvent;
  /** Index of the socket read that completed this event. */
  read: number;
}

export interface ChatStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** JSON body when the answer was not a stream. */
  json?: { error: { code: string; message: string } };
  events: StreamedEvent[];
  reads: number;
  /** Resolves when the response ends. */
  done: Promise<void>;
  /** Destroy the connection (a client going away). */
  abort(): void;
  /** Resolves with the first event matching `pred` (or rejects when the stream ends first). */
  waitForEvent(pred: (ev: WireEvent) => boolean): Promise<WireEvent>;
}

export function openChat(gatewayUrl: string, token: string, body: object, headers: Record<string, string> = {}): Promise<ChatStream> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = httpRequest(`${gatewayUrl}/v1/chat`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        accept: 'text/event-stream',
        ...headers,
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const stream: ChatStream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        events: [],
        reads: 0,
        done: Promise.resolve(),
        abort: () => req.destroy(),
        waitForEvent: (pred) =>
          new Promise((ok, fail) => {
            const hit = stream.events.find((e) => pred(e.ev));
            if (hit) return ok(hit.ev);
            waiters.push({ pred, ok, fail });
          }),
      };
      const waiters: Array<{ pred: (ev: WireEvent) => boolean; ok: (ev: WireEvent) => void; fail: (e: Error) => void }> = [];
      const isSse = String(res.headers['content-type']).startsWith('text/event-stream');
      let text = '';
      const parser = createSseParser({
        onEvent(ev) {
          stream.events.push({ ev, read: stream.reads });
          for (const w of waiters.splice(0)) w.pred(ev) ? w.ok(ev) : waiters.push(w);
        },
        onInvalid(problem) {
          reject(new Error(`invalid event on the client side: ${problem}`));
        },
      });
      stream.done = new Promise<void>((ok) => {
        const end = () => {
          if (!isSse && text) stream.json = JSON.parse(text);
          for (const w of waiters.splice(0)) w.fail(new Error('stream ended before the awaited event'));
          ok();
        };
        res.on('end', end);
        res.on('close', end);
        res.on('error', end);
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        stream.reads++;
        if (isSse) parser.feed(chunk);
        else text += chunk;
      });
      resolve(stream);
    });
    req.end(payload);
  });
}

/** Open a turn and read it to the end. */
export async function chatTurn(gatewayUrl: string, token: string, body: object, headers: Record<string, string> = {}) {
  const s = await openChat(gatewayUrl, token, body, headers);
  await s.done;
  return s;
}

export const names = (s: ChatStream) => s.events.map((e) => e.ev.event);
export const lastEvent = (s: ChatStream) => s.events.at(-1)?.ev;
