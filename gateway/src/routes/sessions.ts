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

interface Params {
  id: string;
}

export default async function sessionRoutes(app: FastifyInstance, { config }: { config: Config }) {
  const reads = app.limit(readsLimit(config));
  const opts = { schema: { params: sessionParamsSchema }, onRequest: app.authenticate, preHandler: reads };

  app.get<{ Params: Params }>('/v1/sessions/:id', opts, async (request) => {
    const rec = await app.sessions.own(request.params.id, request.visitor as Visitor);
    const view = (await app.engine.getSession(rec.id, request.id)) as SessionView;
    // The gateway's record is the authority on closing; the engine's on collecting/complete.
    return rec.status === 'closed' ? { ...view, status: 'closed' } : view;
  });

  app.post<{ Params: Params }>('/v1/sessions/:id/close', opts, async (request) => {
    const rec = await app.sessions.own(request.params.id, request.visitor as Visitor);
    const res = (await app.engine.closeSession(rec.id, request.id)) as CloseResponse;
    await app.sessions.close(rec.id);
    const body: CloseResponse = { status: 'closed', data: res.data ?? {} };
    return body;
  });
}
