/**
 * One chat turn over HTTP, measured from the client's seat: time to the first `token` event
 * (TTFT), the gaps between tokens, the whole turn and the bytes on the wire. Works against the
 * gateway (`POST /v1/chat`, JWT) and straight against the engine (`POST /v1/sessions/:id/turns`,
 * service key): both speak the same events.
 */
import { performance } from 'node:perf_hooks';
import { createSseParser, type DataEventData, type WireEvent } from '@chat/shared';
import { undici, type Pool } from './undici.js';

export interface TurnResult {
  status: number;
  ttftMs: number;
  gapsMs: number[];
  totalMs: number;
  bytes: number;
  /** Contract events received, the gateway's own `session` event excluded. */
  events: number;
  tokens: number;
  sessionId?: string;
  done?: { status: string; reply: string };
  data?: DataEventData;
  error?: string;
}

const pools = new Map<string, Pool>();

/** A keep-alive pool per origin, large enough that the bench never queues behind its own sockets. */
export function poolFor(origin: string, connections = 512): Pool {
  let p = pools.get(origin);
  if (!p) {
    p = new undici.Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 120_000, bodyTimeout: 120_000 });
    pools.set(origin, p);
  }
  return p;
}

export async function closePools(): Promise<void> {
  await Promise.all([...pools.values()].map((p) => p.close().catch(() => {})));
  pools.clear();
}

export interface TurnTarget {
  origin: string;
  path: string;
  headers: Record<string, string>;
}

export const gatewayTarget = (origin: string, token: string, siteOrigin: string): TurnTarget => ({
  origin,
  path: '/v1/chat',
  headers: { authorization: `Bearer ${token}`, origin: siteOrigin },
});

export const engineTarget = (origin: string, engineKey: string, sessionId: string): TurnTarget => ({
  origin,
  path: `/v1/sessions/${sessionId}/turns`,
  headers: { authorization: `Bearer ${engineKey}` },
});

export async function runTurn(target: TurnTarget, body: object, signal?: AbortSignal): Promise<TurnResult> {
  const t0 = performance.now();
  const r: TurnResult = { status: 0, ttftMs: NaN, gapsMs: [], totalMs: NaN, bytes: 0, events: 0, tokens: 0 };
  let lastToken = NaN;
  const onEvent = (ev: WireEvent) => {
    const now = performance.now();
    if (ev.event === 'session') {
      r.sessionId = ev.data.sessionId;
      return;
    }
    r.events++;
    if (ev.event === 'token') {
      if (r.tokens === 0) r.ttftMs = now - t0;
      else r.gapsMs.push(now - lastToken);
      lastToken = now;
      r.tokens++;
    } else if (ev.event === 'data') r.data = ev.data;
    else if (ev.event === 'done') r.done = ev.data;
    else if (ev.event === 'error') r.error = ev.data.code;
  };
  const parser = createSseParser({ onEvent, onInvalid: (p) => (r.error = `invalid event: ${p}`) });
  const res = await poolFor(target.origin).request({
    method: 'POST',
    path: target.path,
    headers: { ...target.headers, 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  r.status = res.statusCode;
  const decoder = new TextDecoder();
  if (res.statusCode !== 200) {
    const text = await res.body.text();
    r.error = text.slice(0, 300);
    r.totalMs = performance.now() - t0;
    return r;
  }
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    r.bytes += chunk.length;
    parser.feed(decoder.decode(chunk, { stream: true }));
  }
  parser.feed(decoder.decode());
  r.totalMs = performance.now() - t0;
  return r;
}
