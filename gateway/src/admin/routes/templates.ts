/** Templates: each PUT publishes a new version; sessions keep the version they started with. */
import type { FastifyInstance } from 'fastify';
import { templateBodySchema, type TemplateBody } from '@chat/shared';
import { templateParams, tidParams } from './params.js';
import { ADMIN_ERRORS, BODY_ERRORS, errors, listOf, ref } from '../../openapi.js';

const versionQuery = { type: 'object', additionalProperties: false, properties: { version: { type: 'integer', minimum: 1 } } } as const;
const tags = ['templates'];

export default async function templateRoutes(app: FastifyInstance) {
  const bo = app.backOffice;

  app.put<{ Params: { tid: string; templateId: string }; Body: TemplateBody }>(
    '/tenants/:tid/templates/:templateId',
    {
      schema: {
        summary: 'Publish a template version',
        description:
          'A template without `id` and `version` (the server sets them): the next version of this template id. New sessions of the sites naming it use it; running sessions keep theirs. An invalid template answers 400 `invalid_template` with `details: [{path, message}]`.',
        tags,
        operationId: 'putTemplate',
        params: templateParams,
        body: templateBodySchema,
        response: { 201: ref('TemplateSaved', 'Published'), ...errors(ADMIN_ERRORS, BODY_ERRORS, { 400: ['invalid_template'] }) },
      },
    },
    async (request, reply) => {
      const caller = app.allowTenant(request, request.params.tid);
      reply.code(201);
      return bo.putTemplate(caller.actor, request.params.tid, request.params.templateId, request.body);
    },
  );

  app.get<{ Params: { tid: string; templateId: string }; Querystring: { version?: number } }>(
    '/tenants/:tid/templates/:templateId',
    {
      schema: {
        summary: 'A template version',
        description: 'The latest version, or `?version=`.',
        tags,
        operationId: 'getTemplate',
        params: templateParams,
        querystring: versionQuery,
        response: { 200: ref('Template', 'The template'), ...errors(ADMIN_ERRORS) },
      },
    },
    async (request) => {
      app.allowTenant(request, request.params.tid);
      return bo.getTemplate(request.params.tid, request.params.templateId, request.query.version);
    },
  );

  const list = {
    summary: "The tenant's templates",
    tags,
    operationId: 'listTemplates',
    params: tidParams,
    response: { 200: listOf('TemplateSummary', 'Template ids with their latest version'), ...errors(ADMIN_ERRORS) },
  };
  app.get<{ Params: { tid: string } }>('/tenants/:tid/templates', { schema: list }, async (request) => {
    app.allowTenant(request, request.params.tid);
    return { items: await bo.listTemplates(request.params.tid) };
  });
}
