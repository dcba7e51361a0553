/**
 * CORS with exact origin strings only (no RegExp, no `*`): a preflight cannot name its site, so
 * @fastify/cors grants the union of all sites' origins; each route then narrows to its own site
 * with `assertSiteOrigin`, which also withdraws the grant from the refusal it sends.
 */
import fp from 'fastify-plugin';
import cors from '@fastify/cors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errorBody } from '@chat/shared';
import type { Site, TenantRegistry } from '../tenants.js';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * 403 origin_not_allowed unless the request's Origin is one of the site's origins.
     * `required`: a missing Origin is refused too (token minting is for browsers on the site).
     */
    assertSiteOrigin: (request: FastifyRequest, reply: FastifyReply, site: Site, required: boolean) => void;
  }
}

export interface CorsPluginOptions {
  tenants: TenantRegistry;
}

export default fp<CorsPluginOptions>(
  async (app, { tenants }) => {
    await app.register(cors, {
      // Exact equality against the live registry (sites change while the gateway runs):
      // https://evilexample.com never matches https://example.com.
      origin: (origin, cb) => cb(null, origin !== undefined && tenants.allOrigins.has(origin)),
      methods: ['GET', 'POST'],
      allowedHeaders: ['content-type', 'authorization', 'last-event-id'],
      exposedHeaders: ['retry-after', 'x-request-id'],
      credentials: false,
      maxAge: 600,
      strictPreflight: true,
    });
    // The admin API is for the console (same origin) and servers: no site's page may read it cross-origin.
    app.addHook('onSend', async (request, reply, payload) => {
      if (request.url.startsWith('/admin/')) {
        reply.removeHeader('access-control-allow-origin');
        reply.removeHeader('access-control-expose-headers');
      }
      return payload;
    });
    // @fastify/cors refuses a preflight without Origin in text/plain; every error here is JSON (found by fuzzing).
    app.addHook('onSend', async (request, reply, payload) => {
      if (request.method !== 'OPTIONS' || reply.statusCode !== 400 || payload !== 'Invalid Preflight Request') return payload;
      void reply.type('application/json; charset=utf-8');
      return JSON.stringify(errorBody('bad_request', 'A CORS preflight needs Origin and Access-Control-Request-Method headers.'));
    });

    app.decorate('assertSiteOrigin', (request: FastifyRequest, reply: FastifyReply, site: Site, required: boolean) => {
      const origin = request.headers.origin;
      if (origin === undefined ? !required : site.origins.includes(origin)) return;
      reply.removeHeader('access-control-allow-origin');
      reply.removeHeader('access-control-expose-headers');
      throw new AppError('origin_not_allowed');
    });
  },
  { name: 'cors' },
);
