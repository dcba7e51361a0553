/**
 * The floor of a relaying hop: a bare Node proxy, nothing but an undici request to the target piped
 * to the response (no auth, no parsing, no limits, no logging). The bench puts it between the client
 * and an engine beside the gateway (bench/arms/bare-proxy.ts). Plain JavaScript, so it runs on any
 * Node without a TypeScript loader.
 *   TARGET_URL=http://127.0.0.1:4001 PORT=0 node bench/bare-proxy.mjs   (prints "listening <port>")
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

// The gateway's own undici, as the gateway uses it.
const require = createRequire(new URL('../gateway/package.json', import.meta.url));
const { Pool } = require('undici');

const target = process.env.TARGET_URL;
if (!target) throw new Error('TARGET_URL is required');
const pool = new Pool(target, { connections: Number(process.env.POOL_CONNECTIONS || 256), keepAliveTimeout: 60_000, headersTimeout: 0, bodyTimeout: 0 });
const FORWARD = ['authorization', 'content-type', 'accept'];

const server = createServer((req, res) => {
  if (req.url === '/healthz') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  const headers = {};
  for (const h of FORWARD) if (req.headers[h]) headers[h] = req.headers[h];
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  pool.request({ method: req.method, path: req.url, headers, body: hasBody ? req : undefined }).then(
    (up) => {
      const out = {};
      for (const h of ['content-type', 'cache-control']) if (up.headers[h]) out[h] = up.headers[h];
      res.writeHead(up.statusCode, out);
      up.body.pipe(res);
      res.once('close', () => up.body.destroy());
    },
    () => res.writeHead(502).end(),
  );
});
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
const stop = () => server.close(() => pool.close().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
