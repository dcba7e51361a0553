/**
 * POST /v1/chat: one turn, as HTTP. The schema, the token, the message's length and the rate
 * limits are checked here; the turn itself (session, claim, template, relay, leases) is the turn
 * service's (turns/service.ts), which answers with the stream or throws before it opens.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, chatRequestSchema, type ChatRequest } from '@chat/shared';
import type { Config } from '../config.js';
import { visitorKey, type Visitor } from '../plugins/auth.js';
import { BODY_ERRORS, SERVER_ERRORS, errors, media, sseDescription } from '../openapi.js';

export default async function chatRoutes(app: FastifyInstance, { config }: { config: Config }) {
  // The token was checked against the live registry a moment ago; a tenant deleted since gets the defaults for this request.
  const defaults = { turnsPerMinute: config.rateTurnsPerMinute, sessionsPerHour: config.rateSessionsPerHour };
  const tenantOf = (req: FastifyRequest) => app.tenants.tenants.get((req.visitor as Visitor).tenantId)?.limits ?? defaults;
  const sessionsPerHour = app.limit({
    name: 'sessions',
    windowMs: 3_600_000,
    max: (req) => tenantOf(req).sessionsPerHour,
    key: visitorKey,
    skip: (req) => (req.body as ChatRequest).sessionId !== undefined,
  });
  const turnsPerMinute = app.limit({
    name: 'turns',
    windowMs: 60_000,
    max: (req) => tenantOf(req).turnsPerMinute,
    key: visitorKey,
  });

  // Beyond one visitor: a site's and a tenant's visitors together (many subs, one customer).
  const siteTurns = app.limit({
    name: 'site-turns',
    windowMs: 60_000,
    max: () => config.rateSiteTurnsPerMinute,
    key: (req) => `${(req.visitor as Visitor).tenantId}:${(req.visitor as Visitor).siteId}`,
  });
  const tenantTurns = app.limit({
    name: 'tenant-turns',
    windowMs: 60_000,
    max: () => config.rateTenantTurnsPerMinute,
    key: (req) => (req.visitor as Visitor).tenantId,
  });
  const messageLength = async (request: FastifyRequest) => {
    // The shared schema leaves the ceiling to the service, so that it answers 413, not 400.
    if ((request.body as ChatRequest).message.text.length > config.maxMessageChars)
      throw new AppError('message_too_long', `The message is longer than ${config.maxMessageChars} characters.`);
  };

  app.post<{ Body: ChatRequest }>(
    '/v1/chat',
    {
      schema: {
        summary: 'One chat turn, answered as a stream',
        description:
          "Without `sessionId` the gateway starts a session (sending the site's template to the engine with this first message only, and the cleaned `context`); with one, a turn of that session, which must be this visitor's. The same `message.id` again while its turn runs attaches to that turn's events instead of starting another. Checks happen before the stream starts, so their failures are JSON with a status; rate limits per visitor (turns per minute, new sessions per hour).",
        tags: ['visitor'],
        operationId: 'chat',
        security: [{ visitorToken: [] }],
        body: chatRequestSchema,
        response: {
          200: media(sseDescription("`session` first, then the engine's `data`, `token`* and `done` (or `error`)."), ['text/event-stream']),
          ...errors(
            BODY_ERRORS,
            {
              401: ['unauthorized'],
              403: ['origin_not_allowed'],
              404: ['session_not_found'],
              409: ['session_closed', 'turn_in_progress'],
              413: ['message_too_long'],
              429: ['rate_limited'],
              503: ['engine_unavailable', 'overloaded'],
            },
            SERVER_ERRORS,
          ),
        },
      },
      onRequest: app.authenticate,
      // Input checks first: a refused message must not cost the visitor a turn.
      preHandler: [messageLength],
    },
    async (request, reply) => {
      // The limits run inside the turn, beside its ownership read and claim (one round trip).
      const limits = [turnsPerMinute, sessionsPerHour, siteTurns, tenantTurns].map((limit) => () => limit(request, reply));
      await app.turns.start({ request, reply, visitor: request.visitor as Visitor, body: request.body, limits });
      return reply;
    },
  );
}
