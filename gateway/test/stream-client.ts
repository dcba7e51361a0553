/**
 * The resume side of the stream API for tests: GET /v1/sessions/:id/stream with Last-Event-ID,
 * POST /v1/sessions/:id/stop, and checks on event ids (`<turn>-<n>`).
 */
import { request as httpRequest } from 'node:http';
import { createSseParser, type WireEvent } from '@chat/shared';
import type { ChatStream } from './sse-client.js';

export function openResume(gatewayUrl: string, token: string, sessionId: string, lastEventId?: string, query = ''): Promise<ChatStream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${gatewayUrl}/v1/sessions/${sessionId}/stream${query}`, {
      method: 'GET',
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const waiters: Array<{ pred: (ev: WireEvent) => boolean; ok: (ev: WireEvent) => void; fail: (e: Error) => void }> = [];
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
      const isSse = String(res.headers['content-type']).startsWith('text/event-stream');
      let text = '';
      const parser = createSseParser({
        onEvent(ev) {
          stream.events.push({ ev, read: stream.reads });
          for (const w of waiters.splice(0)) w.pred(ev) ? w.ok(ev) : waiters.push(w);
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
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        stream.reads++;
        if (isSse) parser.feed(chunk);
        else text += chunk;
      });
      resolve(stream);
    });
    req.end();
  });
}

export async function resume(gatewayUrl: string, token: string, sessionId: string, lastEventId?: string) {
  const s = await openResume(gatewayUrl, token, sessionId, lastEventId);
  await s.done;
  return s;
}

export async function stopTurn(gatewayUrl: string, token: string, sessionId: string) {
  const res = await fetch(`${gatewayUrl}/v1/sessions/${sessionId}/stop`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as { stopped?: boolean; error?: { code: string } } };
}

export const ids = (events: Array<{ ev: WireEvent }>) => events.map((e) => e.ev.id!);

/** The ids of one turn are `<seq>-1`, `<seq>-2`, ... with no gap and no repeat. */
export function contiguous(idList: string[]): boolean {
  const parsed = idList.map((id) => id.split('-').map(Number) as [number, number]);
  return parsed.every(([s, n], i) => s === parsed[0]![0] && n === i + 1);
}

export const replyText = (events: Array<{ ev: WireEvent }>) =>
  events
    .filter((e) => e.ev.event === 'token')
    .map((e) => (e.ev.data as { text: string }).text)
    .join('');
