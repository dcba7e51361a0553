/**
 * POST /v1/token {siteKey} -> {token, expiresAt, maxMessageChars}: a short-lived visitor token for a browser on one
 * of the site's origins. A still-valid (or recently expired) platform token of the same site in
 * `Authorization` keeps the visitor's `sub`, so a refreshing widget keeps its sessions.
 */
import type { FastifyInstance } from 'fastify';
import { AppError, tokenRequestSchema, type TokenRequest, type TokenResponse } from '@chat/shared';
import type { Config } from '../config.js';
import { BODY_ERRORS, SERVER_ERRORS, errors, ref } from '../openapi.js';
import { clientAddressKey } from '../plugins/limits.js';

export default async function tokenRoutes(app: FastifyInstance, { config }: { config: Config }) {
  const perIp = app.limit({
    name: 'token-ip',
    windowMs: 60_000,
    max: () => config.rateTokenPerMinute,
    key: (req) => clientAddressKey(req.ip),
  });

  app.post<{ Body: TokenRequest }>(
    '/v1/token',
    {
      schema: {
        summary: 'A visitor token for a site',
        description:
          "For a browser on one of the site's origins (`Origin` is required and must be one of them). A still-valid (or recently expired) platform token of the same site in `Authorization: Bearer` keeps the visitor id, so a refreshing widget keeps its sessions. Rate-limited per client address (IPv6: per /64).",
        tags: ['visitor'],
        operationId: 'createToken',
        security: [{}, { visitorToken: [] }],
        body: tokenRequestSchema,
        response: {
          200: ref('TokenResponse', 'The token (`Cache-Control: no-store`)'),
          ...errors(BODY_ERRORS, { 403: ['origin_not_allowed'], 404: ['site_not_found'], 429: ['rate_limited'] }, SERVER_ERRORS),
        },
      },
      preHandler: perIp,
    },
    async (request, reply) => {
      const site = app.tenants.bySiteKey.get(request.body.siteKey);
      if (!site) {
        // Unknown key: refuse the CORS grant too, as for a foreign origin.
        reply.removeHeader('access-control-allow-origin');
        throw new AppError('site_not_found');
      }
      app.assertSiteOrigin(request, reply, site, true);
      const minted = app.mintVisitorToken(site, app.previousVisitor(request, site));
      reply.header('cache-control', 'no-store');
      const body: TokenResponse = { token: minted.token, expiresAt: minted.expiresAt, maxMessageChars: config.maxMessageChars };
      return body;
    },
  );
}
