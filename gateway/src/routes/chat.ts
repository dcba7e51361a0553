/**
 * POST /v1/chat: one turn. Creates the session on the first turn and sends the site's template
 * with that turn only; later turns must name a session of this tenant and visitor. The answer is
 * the engine's stream, relayed (see relay.ts) and logged for resuming, after a `session` event;
 * or, when the same message id is already running, that turn's events from the log (follow.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, chatRequestSchema, type ChatRequest, type Template, type TurnRequest, type VisitorContext } from '@chat/shared';
import { cleanContext, modelContext } from '../visitor-context.js';
import type { Config } from '../config.js';
import { newSessionId, sessionOwner } from '../sessions.js';
import { relay } from '../relay.js';
import { follow } from '../follow.js';
import { TurnRecorder, eventId } from '../event-log/log.js';
import { stopLocalTurn } from '../plugins/event-log.js';
import { FOLLOW_BATCH } from './stream.js';
import { visitorKey, type Visitor } from '../plugins/auth.js';
import { TurnLeases } from '../turn-leases.js';
import { BODY_ERRORS, SERVER_ERRORS, errors, media, sseDescription } from '../openapi.js';

export default async function chatRoutes(app: FastifyInstance, { config }: { config: Config }) {
  // One renewal loop for every turn this process runs (see turn-leases.ts).
  const leases = new TurnLeases({ log: app.eventLog, leaseMs: config.turnLeaseMs, onStop: stopLocalTurn });
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
  // Turns this process relays right now: past the cap a turn is refused before it costs anything.
  let running = 0;

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
          200: media(sseDescription('`session` first, then the engine\'s `data`, `token`* and `done` (or `error`).'), ['text/event-stream']),
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
      if (running >= config.maxConcurrentTurns) {
        reply.header('retry-after', '1');
        throw new AppError('overloaded', `This gateway relays ${config.maxConcurrentTurns} turns at once already; retry in a second.`);
      }
      running++;
      try {
        return await turn(request, reply);
      } finally {
        running--;
      }
    },
  );

  async function turn(request: FastifyRequest<{ Body: ChatRequest }>, reply: FastifyReply): Promise<FastifyReply> {
    {
      const visitor = request.visitor as Visitor;
      // A console preview runs the draft its token names, on the console's own page (no site origins).
      const site = visitor.preview ? await app.previews.site(visitor) : app.tenants.site(visitor.tenantId, visitor.siteId);
      if (!site) throw new AppError('unauthorized', visitor.preview ? 'The preview has expired.' : 'The token names an unknown site.');
      if (!visitor.preview) app.assertSiteOrigin(request, reply, site, false);
      const { message, sessionId: given } = request.body;

      // For a turn of an existing session the limits, the owner read and the turn claim are
      // independent: one round trip's wait for all four instead of four in a row. The claim checks
      // the owner itself (nothing is written for another visitor's session), and a claim whose
      // request is refused is given back (marker and seq), so a refusal leaves the session as it
      // was. A first turn claims only after its checks pass: a refused one must create no keys.
      // Errors keep the order the checks had: limits, then ownership, then a running turn.
      const sessionId = given ?? newSessionId();
      const claimTurn = () =>
        app.eventLog.claimTurn(sessionId, message.id, config.turnLeaseMs, given ? sessionOwner(visitor) : undefined);
      const [perMinute, perHour, perSite, perTenant, owned, early] = await Promise.allSettled([
        turnsPerMinute(request, reply),
        sessionsPerHour(request, reply),
        siteTurns(request, reply),
        tenantTurns(request, reply),
        given ? app.sessions.own(given, visitor) : Promise.resolve(null),
        given ? claimTurn() : Promise.resolve(null),
      ]);
      let refusal: unknown;
      for (const c of [perMinute, perHour, perSite, perTenant, owned]) if (c.status === 'rejected') refusal ??= c.reason;
      if (!refusal && owned.status === 'fulfilled' && owned.value?.status === 'closed') refusal = new AppError('session_closed');
      if (refusal) {
        if (early.status === 'fulfilled' && early.value?.outcome === 'start')
          await app.eventLog.giveBack(sessionId, early.value.seq).catch((e: unknown) => request.log.warn({ err: e }, 'could not give back a refused turn'));
        throw refusal;
      }
      if (early.status === 'rejected') throw early.reason;
      const claim = early.value ?? (await claimTurn());
      // One running turn per session, known to every gateway process: the same message id again
      // (a double submit, a retry racing the original) attaches to the running turn's events;
      // another message is refused until it ends.
      if (claim.outcome === 'foreign') throw new AppError('session_not_found');
      if (claim.outcome === 'busy') throw Object.assign(new AppError('turn_in_progress'), { retryAfterS: Math.max(1, Math.ceil(config.turnLeaseMs / 1000)) });
      if (claim.outcome === 'attach') {
        await follow({ request, reply, sessionId, log: app.eventLog, afterId: eventId(claim.seq, 0), heartbeatMs: config.heartbeatMs, pollMs: config.eventLogPollMs, batch: FOLLOW_BATCH });
        return reply;
      }
      const seq = claim.seq;
      let ended: Promise<void> | undefined;
      // Once: the relay ends the turn before the client hears its last event; `finally` covers the rest.
      const endTurn = () => (ended ??= app.eventLog.endTurn(sessionId, seq));
      leases.hold(sessionId, seq);
      try {
        const controller = new AbortController();
        // The client may leave before the engine answers: abort that request too (it knows no event id to resume from).
        const onEarlyClose = () => controller.abort();
        reply.raw.once('close', onEarlyClose);

        const send = (turn: TurnRequest) => app.engine.turn(sessionId, turn, request.id, controller.signal);
        // The first turn's context is cleaned here, kept with the session, and shown to the model
        // only where the template lists its keys.
        const context = given ? undefined : cleanContext(request.body.context, site, config.maxContextBytes);
        const firstTurn = (template: Template, ctx: VisitorContext): TurnRequest => {
          const seen = modelContext(ctx, template);
          return { message, template, ...(seen ? { context: seen } : {}) };
        };
        let upstream;
        try {
          upstream = await send(given ? { message } : firstTurn(site.template, context!));
        } catch (e) {
          // The engine lost a first turn that died before it stored the template: send it again,
          // once, in the version the session started with.
          if (!(given && e instanceof AppError && e.code === 'template_required')) throw e;
          const rec = owned.status === 'fulfilled' ? owned.value : null;
          const pinned = rec ? await app.tenants.template(rec.tenantId, rec.templateId, rec.templateVersion) : undefined;
          upstream = await send(firstTurn(pinned ?? site.template, rec?.context ?? {}));
        } finally {
          reply.raw.off('close', onEarlyClose);
        }
        if (controller.signal.aborted) {
          upstream.body.destroy();
          return reply.hijack();
        }

        if (!given) {
          try {
            await app.sessions.create(sessionId, visitor, site, context);
          } catch (e) {
            controller.abort();
            upstream.body.destroy();
            throw e;
          }
        }

        const recorder = new TurnRecorder(app.eventLog, sessionId, (e) => request.log.warn({ err: e }, 'event log append failed: this turn cannot be fully resumed'), config.eventLogFlushMs);
        await relay({
          request,
          reply,
          sessionId,
          upstream: upstream.body,
          abort: () => controller.abort(),
          heartbeatMs: config.heartbeatMs,
          turn: { seq, recorder, maxPending: config.eventLogMaxPending },
          endTurn,
          onTerminal: async (ev) => {
            if (ev.event === 'done') await app.sessions.touch(sessionId, ev.data.status);
            else if (ev.event === 'error' && ev.data.code !== 'stream_interrupted' && ev.data.code !== 'shutting_down')
              await app.sessions.touch(sessionId);
          },
        });
      } finally {
        leases.release(sessionId, seq);
        await endTurn().catch((e: unknown) => request.log.warn({ err: e }, 'could not clear the running-turn marker'));
      }
      return reply;
    }
  }
}
