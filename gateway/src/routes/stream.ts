/**
 * GET /v1/sessions/:id/stream: resume. With `Last-Event-ID` (header, or `?lastEventId=` where a
 * client cannot set headers) the events after that id, then the running turn live until its end;
 * without one, the running turn from its first event (or an empty stream when none runs).
 * POST /v1/sessions/:id/stop: abort the running turn, wherever it is relayed.
 * Same ownership rule as the other session routes: not yours is a 404 like a missing one.
 * Both are the turn service's (turns/service.ts); here only HTTP.
 */
import type { FastifyInstance } from 'fastify';
import { AppError, sessionParamsSchema } from '@chat/shared';
import type { Config } from '../config.js';
import type { Visitor } from '../plugins/auth.js';
import { readsLimit } from '../plugins/limits.js';
import { EVENT_ID } from '../event-log/log.js';
import { SERVER_ERRORS, errors, media, ref, sseDescription } from '../openapi.js';

interface Params {
  id: string;
}

export default async function streamRoutes(app: FastifyInstance, { config }: { config: Config }) {
  const reads = app.limit(readsLimit(config));
  const lastEventIdQuery = {
    type: 'object',
    additionalProperties: false,
    properties: { lastEventId: { type: 'string', pattern: EVENT_ID.source } },
  } as const;

  const failures = errors({ 400: ['validation_failed'], 401: ['unauthorized'], 404: ['session_not_found'], 429: ['rate_limited'] }, SERVER_ERRORS);

  app.get<{ Params: Params; Querystring: { lastEventId?: string } }>(
    '/v1/sessions/:id/stream',
    {
      schema: {
        summary: "Resume a session's stream",
        description:
          "With `Last-Event-ID` (header, or `?lastEventId=` where a client cannot set headers; an event id of this session like `3-17`): every event after that id, replayed from the session's event log exactly once, then the running turn live until its `done` or `error`. Without one: the running turn from its first event, or an empty stream when none runs. Works through any gateway replica.",
        tags: ['visitor'],
        operationId: 'streamSession',
        security: [{ visitorToken: [] }],
        params: sessionParamsSchema,
        querystring: lastEventIdQuery,
        response: {
          200: media(
            sseDescription('The events after the given id (`session`, `data`, `token`*, `done` or `error` of each turn), then the running turn live.'),
            ['text/event-stream'],
          ),
          ...failures,
        },
      },
      onRequest: app.authenticate,
      preHandler: reads,
    },
    async (request, reply) => {
      const header = request.headers['last-event-id'];
      const given = typeof header === 'string' && header !== '' ? header : request.query.lastEventId;
      if (given !== undefined && !EVENT_ID.test(given)) throw new AppError('validation_failed', 'Last-Event-ID must be an event id of this stream, like 3-17.');
      await app.turns.resume({
        request,
        reply,
        visitor: request.visitor as Visitor,
        sessionId: request.params.id,
        ...(given !== undefined ? { lastEventId: given } : {}),
      });
      return reply;
    },
  );

  app.post<{ Params: Params }>(
    '/v1/sessions/:id/stop',
    {
      schema: {
        summary: 'Stop the running turn',
        description:
          "Aborts the session's running turn, whichever gateway replica relays it; its stream ends with an `error` event `turn_stopped`. `stopped` is false when no turn was running.",
        tags: ['visitor'],
        operationId: 'stopTurn',
        security: [{ visitorToken: [] }],
        params: sessionParamsSchema,
        response: { 200: ref('StopResponse', 'Whether a running turn was stopped'), ...failures, ...errors({ 400: ['validation_failed', 'invalid_json'] }) },
      },
      onRequest: app.authenticate,
      preHandler: reads,
    },
    async (request) => {
      return { stopped: await app.turns.stop(request.visitor as Visitor, request.params.id) };
    },
  );
}
