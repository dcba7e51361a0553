/**
 * GET /v1/sessions/:id (transcript and data, to resume after a reload) and
 * POST /v1/sessions/:id/close (tells the engine, returns the final data, marks it closed).
 * Same ownership rule as chat: another tenant's or visitor's session is a 404 like a missing one.
 */
import type { FastifyInstance } from 'fastify';
import { sessionParamsSchema, type CloseResponse, type SessionView } from '@chat/shared';
import type { Config } from '../config.js';
import type { Visitor } from '../plugins/auth.js';
import { readsLimit } from '../plugins/limits.js';
import { SERVER_ERRORS, errors, ref } from '../openapi.js';

interface Params {
  id: string;
}

/** Transcript paging: `before` an entry index, `limit` entries (query values are coerced: see validation.ts). */
export const TRANSCRIPT_PAGE_DEFAULT = 50;
export const TRANSCRIPT_PAGE_MAX = 200;
const pageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    before: {
      type: 'integer',
      minimum: 0,
      maximum: 999_999_999,
      description: 'Entries before this index (default: the end; use `transcriptStart` of the previous page).',
    },
    limit: {
      type: 'integer',
      minimum: 1,
      maximum: TRANSCRIPT_PAGE_MAX,
      default: TRANSCRIPT_PAGE_DEFAULT,
      description: `Entries per page, 1-${TRANSCRIPT_PAGE_MAX}.`,
    },
  },
} as const;

export default async function sessionRoutes(app: FastifyInstance, { config }: { config: Config }) {
  const reads = app.limit(readsLimit(config));
  const opts = { onRequest: app.authenticate, preHandler: reads };
  const common = { tags: ['visitor'], security: [{ visitorToken: [] }], params: sessionParamsSchema };
  const failures = errors(
    { 400: ['validation_failed'], 401: ['unauthorized'], 404: ['session_not_found'], 429: ['rate_limited'], 503: ['engine_unavailable'] },
    SERVER_ERRORS,
  );

  const viewSchema = {
    ...common,
    summary: 'A session: transcript and data',
    description:
      "For resuming after a reload: the transcript, the values collected, what is missing or invalid, and the template's fields. Only the visitor who started it (same tenant) sees it; any other session answers 404 like one that never existed.",
    operationId: 'getSession',
    querystring: pageQuery,
    response: { 200: ref('SessionView', 'The session, its transcript paged (the latest entries first; `Cache-Control: no-store`)'), ...failures },
  };
  app.get<{ Params: Params; Querystring: { before?: number; limit: number } }>('/v1/sessions/:id', { ...opts, schema: viewSchema }, async (request, reply) => {
    const { limit, before } = request.query;
    reply.header('cache-control', 'no-store');
    const rec = await app.sessions.own(request.params.id, request.visitor as Visitor);
    const view = (await app.engine.getSession(rec.id, request.id)) as SessionView;
    // A page of the transcript, not all of it: the answer stays small however long the conversation.
    const all = view.transcript ?? [];
    const end = Math.min(all.length, before ?? all.length);
    const start = Math.max(0, end - limit);
    const paged: SessionView = { ...view, transcript: all.slice(start, end), transcriptStart: start, transcriptTotal: all.length };
    // The gateway's record is the authority on closing; the engine's on collecting/complete.
    return rec.status === 'closed' ? { ...paged, status: 'closed' } : paged;
  });

  const closeSchema = {
    ...common,
    summary: 'Close a session',
    description: 'Ends the conversation: the engine is told, and the final data comes back. Later turns answer 409 `session_closed`.',
    operationId: 'closeSession',
    response: { 200: ref('CloseResponse', 'Closed'), ...failures, ...errors({ 400: ['validation_failed', 'invalid_json'] }) },
  };
  app.post<{ Params: Params }>('/v1/sessions/:id/close', { ...opts, schema: closeSchema }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const rec = await app.sessions.own(request.params.id, request.visitor as Visitor);
    const res = (await app.engine.closeSession(rec.id, request.id)) as CloseResponse;
    await app.sessions.close(rec.id);
    const body: CloseResponse = { status: 'closed', data: res.data ?? {} };
    return body;
  });
}
