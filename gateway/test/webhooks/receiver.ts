/** A webhook receiver for tests: records every request and answers what `respond` says. */
import { createServer, type IncomingHttpHeaders } from 'node:http';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  respond: (r: Received, n: number) => number;
  close(): Promise<void>;
}

export async function startReceiver(respond: Receiver['respond'] = () => 204): Promise<Receiver> {
  const rec: Receiver = { url: '', port: 0, received: [], respond, close: async () => {} };
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    const r: Received = { headers: req.headers, body, status: 0 };
    rec.received.push(r);
    r.status = rec.respond(r, rec.received.length);
    res.writeHead(r.status, r.status >= 300 && r.status < 400 ? { location: 'http://127.0.0.1:1/elsewhere' } : {}).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  rec.port = typeof addr === 'object' && addr ? addr.port : 0;
  rec.url = `http://127.0.0.1:${rec.port}/hooks`;
  rec.close = () => new Promise((ok) => server.close(() => ok()));
  return rec;
}
