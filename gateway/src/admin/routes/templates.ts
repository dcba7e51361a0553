/** Templates: each PUT publishes a new version; sessions keep the version they started with. */
import type { FastifyInstance } from 'fastify';
import { templateBodySchema, type TemplateBody } from '@chat/shared';
import { templateParams, tidParams } from './params.js';

const versionQuery = { type: 'object', additionalProperties: false, properties: { version: { type: 'integer', minimum: 1 } } } as const;

export default async function templateRoutes(app: FastifyInstance) {
  const bo = app.backOffice;

  app.put<{ Params: { tid: string; templateId: string }; Body: TemplateBody }>(
    '/tenants/:tid/templates/:templateId',
    { schema: { params: templateParams, body: templateBodySchema } },
    async (request, reply) => {
      const caller = app.allowTenant(request, request.params.tid);
      reply.code(201);
      return bo.putTemplate(caller.actor, request.params.tid, request.params.templateId, request.body);
    },
  );

  app.get<{ Params: { tid: string; templateId: string }; Querystring: { version?: number } }>(
    '/tenants/:tid/templates/:templateId',
    { schema: { params: templateParams, querystring: versionQuery } },
    async (request) => {
      app.allowTenant(request, request.params.tid);
      return bo.getTemplate(request.params.tid, request.params.templateId, request.query.version);
    },
  );

  app.get<{ Params: { tid: string } }>('/tenants/:tid/templates', { schema: { params: tidParams } }, async (request) => {
    app.allowTenant(request, request.params.tid);
    return { items: await bo.listTemplates(request.params.tid) };
  });
}
