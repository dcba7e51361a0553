/**
 * An HTTP hop the bench runs in front of a real engine, for one gateway: in `forward` mode it
 * passes each request to the engine and counts the SSE events coming back (the relay's events in);
 * in `stall` mode it answers every turn with an open stream of heartbeats only (idle streams).
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSseParser } from '@chat/shared';
import { undici } from './undici.js';

export interface AuxEngine {
  url: string;
  mode: 'forward' | 'stall';
  eventsIn: number;
  stalled: Set<ServerResponse>;
  close(): Promise<void>;
}

export async function startAuxEngine(engineUrl: string, pingMs: number): Promise<AuxEngine> {
  const pool = new undici.Pool(engineUrl, { connections: 256 });
  const aux: AuxEngine = { url: '', mode: 'forward', eventsIn: 0, stalled: new Set(), close: async () => {} };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.url === '/healthz' || req.url === '/readyz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    if (aux.mode === 'stall') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      const t = setInterval(() => res.write(': ping\n\n'), pingMs);
      aux.stalled.add(res);
      res.once('close', () => {
        clearInterval(t);
        aux.stalled.delete(res);
      });
      return;
    }
    try {
      const up = await pool.request({
        method: req.method as 'POST',
        path: req.url!,
        headers: { ...req.headers, host: new URL(engineUrl).host },
        body: chunks.length ? Buffer.concat(chunks) : null,
      });
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(up.headers))
        if (v !== undefined && k !== 'transfer-encoding' && k !== 'connection' && k !== 'keep-alive') headers[k] = v;
      res.writeHead(up.statusCode, headers);
      res.flushHeaders();
      const counting = String(up.headers['content-type'] ?? '').startsWith('text/event-stream');
      const parser = createSseParser({ onEvent: () => void aux.eventsIn++ });
      const dec = new TextDecoder();
      res.once('close', () => up.body.destroy());
      for await (const c of up.body as AsyncIterable<Buffer>) {
        if (counting) parser.feed(dec.decode(c, { stream: true }));
        res.write(c);
      }
      res.end();
    } catch {
      res.destroy();
    }
  });
  server.maxConnections = 100_000;
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  aux.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  aux.close = async () => {
    for (const r of aux.stalled) r.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await pool.close();
  };
  return aux;
}
