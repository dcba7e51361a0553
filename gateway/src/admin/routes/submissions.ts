/**
 * Leads: the submissions of a tenant, newest first, filtered and paged; one with its conversation;
 * all of them as CSV or NDJSON, streamed; and erasure (a visitor's right), which also removes the
 * session's state, transcript, event log and queued webhooks.
 */
import type { FastifyInstance } from 'fastify';
import { AppError, submissionListQuerySchema, type SubmissionDetail, type SubmissionListQuery, type TranscriptEntry } from '@chat/shared';
import { exportSubmissions, CONTENT_TYPES, type ExportFormat } from '../export.js';
import { submissionParams, tidParams } from './params.js';
import { ADMIN_ERRORS, errors, media, noContent, ref } from '../../openapi.js';

const { limit: _limit, cursor: _cursor, ...filterProps } = submissionListQuerySchema.properties;
const exportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { ...filterProps, format: { enum: ['csv', 'ndjson'], default: 'csv' } },
} as const;
const detailQuery = { type: 'object', additionalProperties: false, properties: { transcript: { enum: ['0', '1', 'true', 'false'] } } } as const;

const tags = ['submissions'];

type Filter = Omit<SubmissionListQuery, 'limit' | 'cursor'>;
const filterOf = (q: Filter) => ({
  ...(q.status ? { status: q.status } : {}),
  ...(q.site ? { site: q.site } : {}),
  ...(q.since ? { since: q.since } : {}),
  ...(q.until ? { until: q.until } : {}),
});

export default async function submissionRoutes(app: FastifyInstance) {
  const store = () => app.leads.store;

  app.get<{ Params: { tid: string }; Querystring: SubmissionListQuery }>(
    '/tenants/:tid/submissions',
    {
      schema: {
        summary: 'Leads, newest first',
        description:
          'Filtered by status, site and creation time (`since` inclusive, `until` exclusive); a page of `limit` (default 50), then pass `next` as `cursor`.',
        tags,
        operationId: 'listSubmissions',
        params: tidParams,
        querystring: submissionListQuerySchema,
        response: { 200: ref('SubmissionPage', 'A page of submissions'), ...errors(ADMIN_ERRORS) },
      },
    },
    async (request) => {
      app.allowTenant(request, request.params.tid);
      const q = request.query;
      return store().list(request.params.tid, { ...filterOf(q), ...(q.limit ? { limit: q.limit } : {}), ...(q.cursor ? { cursor: q.cursor } : {}) });
    },
  );

  app.get<{ Params: { tid: string }; Querystring: Filter & { format: ExportFormat } }>(
    '/tenants/:tid/submissions/export',
    {
      schema: {
        summary: 'Export leads',
        description:
          "Every matching submission, newest first, streamed as CSV (one column per field of the tenant's templates, the site's template first when filtered by site) or NDJSON (one submission per line), as an attachment.",
        tags,
        operationId: 'exportSubmissions',
        params: tidParams,
        querystring: exportQuery,
        response: { 200: media('The file', ['text/csv', 'application/x-ndjson']), ...errors(ADMIN_ERRORS) },
      },
    },
    async (request, reply) => {
      const { tid } = request.params;
      app.allowTenant(request, tid);
      const tenant = app.tenants.tenants.get(tid);
      if (!tenant) throw new AppError('not_found', 'No such tenant.');
      // The columns: every field of the tenant's templates, in template order (the site's first when filtered).
      const templates = [...tenant.templates.values()];
      const first = request.query.site ? tenant.sites.get(request.query.site)?.template.id : undefined;
      templates.sort((a, b) => Number(b.id === first) - Number(a.id === first));
      const fields = [...new Set(templates.flatMap((t) => Object.keys(t.fields)))];
      const format = request.query.format;
      const stamp = new Date().toISOString().slice(0, 10);
      reply.type(CONTENT_TYPES[format]).header('content-disposition', `attachment; filename="${tid}-leads-${stamp}.${format === 'csv' ? 'csv' : 'ndjson'}"`);
      return reply.send(exportSubmissions(store().iterate(tid, filterOf(request.query)), format, fields));
    },
  );

  app.get<{ Params: { tid: string; id: string }; Querystring: { transcript?: string } }>(
    '/tenants/:tid/submissions/:id',
    {
      schema: {
        summary: 'A lead',
        description: 'With `?transcript=1`, its conversation too, while the session still exists.',
        tags,
        operationId: 'getSubmission',
        params: submissionParams,
        querystring: detailQuery,
        response: { 200: ref('SubmissionDetail', 'The submission'), ...errors(ADMIN_ERRORS, { 503: ['engine_unavailable'] }) },
      },
    },
    async (request): Promise<SubmissionDetail> => {
      app.allowTenant(request, request.params.tid);
      const sub = await store().get(request.params.tid, request.params.id);
      if (!sub) throw new AppError('not_found', 'No such submission.');
      if (request.query.transcript !== '1' && request.query.transcript !== 'true') return sub;
      try {
        const view = (await app.engine.getSession(sub.sessionId, request.id)) as { transcript?: TranscriptEntry[] };
        return { ...sub, transcript: view.transcript ?? [] };
      } catch (e) {
        // The session has expired (or was erased): the lead stays, its conversation is gone.
        if (e instanceof AppError && e.code === 'session_not_found') return sub;
        throw e;
      }
    },
  );

  const erase = {
    summary: 'Erase a lead',
    description: "A visitor's right: the submission, and its session's state, transcript, event log and queued webhooks. Idempotent.",
    tags,
    operationId: 'eraseSubmission',
    params: submissionParams,
    response: { 204: noContent('Erased'), ...errors(ADMIN_ERRORS, { 503: ['engine_unavailable'] }) },
  };
  app.delete<{ Params: { tid: string; id: string } }>('/tenants/:tid/submissions/:id', { schema: erase }, async (request, reply) => {
    const caller = app.allowTenant(request, request.params.tid);
    await app.leads.erase(request.params.tid, request.params.id, request.id);
    await app.backOffice.note(caller.actor, request.params.tid, 'submission.erase', `submission:${request.params.id}`);
    return reply.code(204).send();
  });
}
