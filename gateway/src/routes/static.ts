/**
 * The widget bundle at /widget.js and its demo page at /, served only when the widget workspace
 * has built them (checked per request: the widget may be built after the gateway starts).
 * Small files, cached in memory by mtime, with an ETag so browsers revalidate cheaply.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '@chat/shared';
import type { Config } from '../config.js';

interface Cached {
  mtimeMs: number;
  body: Buffer;
  etag: string;
}

function fileServer(path: string, type: string, cacheControl: string) {
  let cached: Cached | undefined;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    let st;
    try {
      st = await stat(path);
    } catch {
      throw new AppError('not_found', 'Not built yet.');
    }
    if (!cached || cached.mtimeMs !== st.mtimeMs) {
      const body = await readFile(path);
      cached = { mtimeMs: st.mtimeMs, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    }
    void reply.header('content-type', type).header('cache-control', cacheControl).header('etag', cached.etag);
    if (request.headers['if-none-match'] === cached.etag) return reply.code(304).send();
    return reply.send(cached.body);
  };
}

export default async function staticRoutes(app: FastifyInstance, { config }: { config: Config }) {
  // Files, not API: left out of the OpenAPI document.
  const hide = { schema: { hide: true } };
  // Not immutable: the URL carries no version, so browsers revalidate after max-age.
  app.get('/widget.js', hide, fileServer(config.widgetFile, 'text/javascript; charset=utf-8', `public, max-age=${config.staticMaxAgeS}`));
  app.get('/', hide, fileServer(config.demoFile, 'text/html; charset=utf-8', 'no-cache'));
  // The customer's console: a page and its bundle, a client of /admin/v1 like any other.
  app.get('/console', hide, fileServer(config.consoleHtml, 'text/html; charset=utf-8', 'no-cache'));
  app.get('/console.js', hide, fileServer(config.consoleFile, 'text/javascript; charset=utf-8', 'no-cache'));
}
