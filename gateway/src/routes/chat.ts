/**
 * POST /v1/chat: one turn. Creates the session on the first turn and sends the site's template
 * with that turn only; later turns must name a session of this tenant and visitor. The answer is
 * the engine's stream, relayed (see relay.ts), after a `session` event.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, chatRequestSchema, type ChatRequest, type TurnRequest } from '@chat/shared';
import type { Config } from '../config.js';
import { newSessionId } from '../sessions.js';
import { relay } from '../relay.js';
import type { Visitor } from '../plugins/auth.js';

const visitorKey = (req: FastifyRequest) => {
  const v = req.visitor as Visitor;
  return `${v.tenantId}:${v.sub}`;
};

export default async function chatRoutes(app: FastifyInstance, { config }: { config: Config }) {
  const tenantOf = (req: FastifyRequest) => app.tenants.tenants.get((req.visitor as Visitor).tenantId)!;
  const sessionsPerHour = app.limit({
    name: 'sessions',
    windowMs: 3_600_000,
    max: (req) => tenantOf(req).limits.sessionsPerHour,
    key: visitorKey,
    skip: (req) => (req.body as ChatRequest).sessionId !== undefined,
  });
  const turnsPerMinute = app.limit({
    name: 'turns',
    windowMs: 60_000,
    max: (req) => tenantOf(req).limits.turnsPerMinute,
    key: visitorKey,
  });

  const messageLength = async (request: FastifyRequest) => {
    // The shared schema leaves the ceiling to the service, so that it answers 413, not 400.
    if ((request.body as ChatRequest).message.text.length > config.maxMessageChars)
      throw new AppError('message_too_long', `The message is longer than ${config.maxMessageChars} characters.`);
  };

  app.post<{ Body: ChatRequest }>(
    '/v1/chat',
    {
      schema: { body: chatRequestSchema },
      onRequest: app.authenticate,
      // Input checks first: a refused message must not cost the visitor a turn.
      preHandler: [messageLength, turnsPerMinute, sessionsPerHour],
    },
    async (request, reply) => {
      const visitor = request.visitor as Visitor;
      const site = app.tenants.site(visitor.tenantId, visitor.siteId)!;
      app.assertSiteOrigin(request, reply, site, false);
      const { message, sessionId: given } = request.body;

      let sessionId: string;
      if (given) {
        const rec = await app.sessions.own(given, visitor);
        if (rec.status === 'closed') throw new AppError('session_closed');
        sessionId = given;
      } else {
        sessionId = newSessionId();
      }

      const controller = new AbortController();
      // The client may leave before the engine answers: abort that request too.
      const onEarlyClose = () => controller.abort();
      reply.raw.once('close', onEarlyClose);

      const send = (turn: TurnRequest) => app.engine.turn(sessionId, turn, request.id, controller.signal);
      let upstream;
      try {
        upstream = await send(given ? { message } : { message, template: site.template });
      } catch (e) {
        // The engine lost a first turn that died before it stored the template: send it again, once.
        if (!(given && e instanceof AppError && e.code === 'template_required')) throw e;
        upstream = await send({ message, template: site.template });
      } finally {
        reply.raw.off('close', onEarlyClose);
      }
      if (controller.signal.aborted) {
        upstream.body.destroy();
        return reply.hijack();
      }

      if (!given) {
        try {
          await app.sessions.create(sessionId, visitor, site);
        } catch (e) {
          controller.abort();
          upstream.body.destroy();
          throw e;
        }
      }

      await relay({
        request,
        reply,
        sessionId,
        upstream: upstream.body,
        abort: () => controller.abort(),
        heartbeatMs: config.heartbeatMs,
        onTerminal: async (ev) => {
          if (ev.event === 'done') await app.sessions.touch(sessionId, ev.data.status);
          else if (ev.event === 'error' && ev.data.code !== 'stream_interrupted' && ev.data.code !== 'shutting_down')
            await app.sessions.touch(sessionId);
        },
      });
      return reply;
    },
  );
}
