/**
 * The gateway's turns, apart from HTTP: `start` runs one `POST /v1/chat` turn, `resume` serves a
 * session's stream from its log, `stop` stops a session's running turn wherever it is relayed.
 * One per Fastify instance (plugins/turns.ts, `app.turns`); the routes only parse, authenticate,
 * rate-limit and hand over the request and its reply, which the service answers as a stream or
 * by throwing an AppError before the stream opens (the error handler writes it as JSON).
 *
 * A turn, in order: the gateway's cap on turns at once; the site (a preview's draft or the
 * token's site) and its origin; the rate limits, the ownership read and the turn claim together;
 * then the same message id already running attaches to it (follow.ts), another running message is
 * refused; else the engine is asked (the site's template with the first turn only, again with the
 * session's pinned version if the engine lost it), the session created on the first turn, and the
 * engine's stream relayed (relay.ts) into the event log while the turn's lease is renewed.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ChatRequest, type Template, type TurnRequest, type VisitorContext } from '@chat/shared';
import type { Config } from '../config.js';
import type { Visitor } from '../plugins/auth.js';
import type { Sessions } from '../sessions.js';
import { newSessionId, sessionOwner } from '../sessions.js';
import type { TenantRegistry } from '../tenants.js';
import type { Previews } from '../admin/previews.js';
import type { EngineClient } from '../engine-client.js';
import type { ActiveStreams } from '../active-streams.js';
import type { Heartbeats } from '../heartbeats.js';
import { TurnRecorder, eventId, type EventLog } from '../event-log/log.js';
import { cleanContext, modelContext } from '../visitor-context.js';
import { relay } from '../relay.js';
import { follow } from '../follow.js';
import type { TurnCoordinator } from './coordinator.js';
import { TurnLeases } from './leases.js';

/** Events read per XRANGE by a follower, and so the most held in memory for one. */
export const FOLLOW_BATCH = 200;

type TurnConfig = Pick<
  Config,
  'maxConcurrentTurns' | 'turnLeaseMs' | 'heartbeatMs' | 'eventLogPollMs' | 'eventLogFlushMs' | 'eventLogMaxPending' | 'maxContextBytes'
>;

export interface TurnServiceDeps {
  config: TurnConfig;
  log: EventLog;
  coordinator: TurnCoordinator;
  streams: ActiveStreams;
  heartbeats: Heartbeats;
  sessions: Pick<Sessions, 'own' | 'create' | 'touch'>;
  tenants: Pick<TenantRegistry, 'site' | 'template'>;
  previews: Pick<Previews, 'site'>;
  engine: Pick<EngineClient, 'turn'>;
  /** The site's origin check (plugins/cors.ts): throws, and withdraws the CORS grant, when refused. */
  assertSiteOrigin: (request: FastifyRequest, reply: FastifyReply, site: NonNullable<ReturnType<TenantRegistry['site']>>, required: boolean) => void;
}

/** One HTTP request's part in a turn: where the stream goes, and the request's own checks. */
export interface TurnHttp {
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface ChatTurn extends TurnHttp {
  visitor: Visitor;
  body: ChatRequest;
  /**
   * The request's rate limits: run beside the ownership read and the turn claim (one round trip's
   * wait), their refusals first, in this order.
   */
  limits: ReadonlyArray<() => Promise<unknown>>;
}

export class TurnService {
  /** One renewal loop for every turn this gateway runs (see leases.ts). */
  readonly leases: TurnLeases;
  /** Turns this gateway relays right now: past the cap a turn is refused before it costs anything. */
  private relaying = 0;

  constructor(private readonly deps: TurnServiceDeps) {
    this.leases = new TurnLeases({ coordinator: deps.coordinator, leaseMs: deps.config.turnLeaseMs, onStop: (id) => deps.streams.stopRelay(id) });
  }

  /** Turns this gateway runs now (counted from the cap check to the stream's end). */
  get running(): number {
    return this.relaying;
  }

  /** One chat turn: resolves when its stream has ended; throws an AppError when refused before it opened. */
  async start(turn: ChatTurn): Promise<void> {
    const { maxConcurrentTurns } = this.deps.config;
    if (this.relaying >= maxConcurrentTurns)
      throw Object.assign(new AppError('overloaded', `This gateway relays ${maxConcurrentTurns} turns at once already; retry in a second.`), {
        retryAfterS: 1,
      });
    this.relaying++;
    try {
      await this.turn(turn);
    } finally {
      this.relaying--;
    }
  }

  /**
   * A session's stream from its log: the events after `lastEventId`, then the running turn live;
   * without an id, the running turn from its first event (an empty stream when none runs).
   */
  async resume(http: TurnHttp & { visitor: Visitor; sessionId: string; lastEventId?: string }): Promise<void> {
    const { sessions, coordinator } = this.deps;
    const rec = await sessions.own(http.sessionId, http.visitor);
    let afterId = http.lastEventId;
    if (afterId === undefined) {
      const running = await coordinator.running(rec.id);
      afterId = running ? eventId(running.seq, 0) : eventId(Number.MAX_SAFE_INTEGER, 0);
    }
    await this.follow(http, rec.id, afterId);
  }

  /** Stop the session's running turn, whichever gateway relays it; false when none runs. */
  async stop(visitor: Visitor, sessionId: string): Promise<boolean> {
    const rec = await this.deps.sessions.own(sessionId, visitor);
    return this.deps.coordinator.requestStop(rec.id);
  }

  private follow({ request, reply }: TurnHttp, sessionId: string, afterId: string): Promise<void> {
    const { config, log, coordinator, streams, heartbeats } = this.deps;
    return follow({ request, reply, sessionId, log, coordinator, afterId, streams, heartbeats, pollMs: config.eventLogPollMs, batch: FOLLOW_BATCH });
  }

  private async turn({ request, reply, visitor, body, limits }: ChatTurn): Promise<void> {
    const { config, log, coordinator, sessions, tenants, previews, engine, streams, heartbeats } = this.deps;
    // A console preview runs the draft its token names, on the console's own page (no site origins).
    const site = visitor.preview ? await previews.site(visitor) : tenants.site(visitor.tenantId, visitor.siteId);
    if (!site) throw new AppError('unauthorized', visitor.preview ? 'The preview has expired.' : 'The token names an unknown site.');
    if (!visitor.preview) this.deps.assertSiteOrigin(request, reply, site, false);
    const { message, sessionId: given } = body;

    // For a turn of an existing session the limits, the owner read and the turn claim are
    // independent: one round trip's wait for all of them instead of one after another. The claim
    // checks the owner itself (nothing is written for another visitor's session), and a claim whose
    // request is refused is given back (marker and seq), so a refusal leaves the session as it
    // was. A first turn claims only after its checks pass: a refused one must create no keys.
    // Errors keep the order the checks had: limits, then ownership, then a running turn.
    const sessionId = given ?? newSessionId();
    const claimTurn = () => coordinator.claim(sessionId, message.id, config.turnLeaseMs, given ? sessionOwner(visitor) : undefined);
    const settled = await Promise.allSettled([
      ...limits.map((check) => check()),
      given ? sessions.own(given, visitor) : Promise.resolve(null),
      given ? claimTurn() : Promise.resolve(null),
    ]);
    const early = settled.pop() as PromiseSettledResult<Awaited<ReturnType<typeof claimTurn>> | null>;
    const owned = settled.at(-1) as PromiseSettledResult<Awaited<ReturnType<typeof sessions.own>> | null>;
    let refusal: unknown;
    for (const c of settled) if (c.status === 'rejected') refusal ??= c.reason;
    if (!refusal && owned.status === 'fulfilled' && owned.value?.status === 'closed') refusal = new AppError('session_closed');
    if (refusal) {
      if (early.status === 'fulfilled' && early.value?.outcome === 'start')
        await coordinator.giveBack(sessionId, early.value.seq).catch((e: unknown) => request.log.warn({ err: e }, 'could not give back a refused turn'));
      throw refusal;
    }
    if (early.status === 'rejected') throw early.reason;
    const claim = early.value ?? (await claimTurn());
    // One running turn per session, known to every gateway process: the same message id again
    // (a double submit, a retry racing the original) attaches to the running turn's events;
    // another message is refused until it ends.
    if (claim.outcome === 'foreign') throw new AppError('session_not_found');
    if (claim.outcome === 'busy') throw Object.assign(new AppError('turn_in_progress'), { retryAfterS: Math.max(1, Math.ceil(config.turnLeaseMs / 1000)) });
    if (claim.outcome === 'attach') return this.follow({ request, reply }, sessionId, eventId(claim.seq, 0));

    const seq = claim.seq;
    let ended: Promise<void> | undefined;
    // Once: the relay ends the turn before the client hears its last event; `finally` covers the rest.
    const endTurn = () => (ended ??= coordinator.end(sessionId, seq));
    this.leases.hold(sessionId, seq);
    try {
      const controller = new AbortController();
      // The client may leave before the engine answers: abort that request too (it knows no event id to resume from).
      const onEarlyClose = () => controller.abort();
      reply.raw.once('close', onEarlyClose);

      const send = (turn: TurnRequest) => engine.turn(sessionId, turn, request.id, controller.signal);
      // The first turn's context is cleaned here, kept with the session, and shown to the model
      // only where the template lists its keys.
      const context = given ? undefined : cleanContext(body.context, site, config.maxContextBytes);
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
        const pinned = rec ? await tenants.template(rec.tenantId, rec.templateId, rec.templateVersion) : undefined;
        upstream = await send(firstTurn(pinned ?? site.template, rec?.context ?? {}));
      } finally {
        reply.raw.off('close', onEarlyClose);
      }
      if (controller.signal.aborted) {
        upstream.body.destroy();
        reply.hijack();
        return;
      }

      if (!given) {
        try {
          await sessions.create(sessionId, visitor, site, context);
        } catch (e) {
          controller.abort();
          upstream.body.destroy();
          throw e;
        }
      }

      const recorder = new TurnRecorder(
        log,
        sessionId,
        (e) => request.log.warn({ err: e }, 'event log append failed: this turn cannot be fully resumed'),
        config.eventLogFlushMs,
      );
      await relay({
        request,
        reply,
        sessionId,
        upstream: upstream.body,
        abort: () => controller.abort(),
        streams,
        heartbeats,
        turn: { seq, recorder, maxPending: config.eventLogMaxPending },
        endTurn,
        onTerminal: async (ev) => {
          if (ev.event === 'done') await sessions.touch(sessionId, ev.data.status);
          else if (ev.event === 'error' && ev.data.code !== 'stream_interrupted' && ev.data.code !== 'shutting_down') await sessions.touch(sessionId);
        },
      });
    } finally {
      this.leases.release(sessionId, seq);
      await endTurn().catch((e: unknown) => request.log.warn({ err: e }, 'could not clear the running-turn marker'));
    }
  }
}
