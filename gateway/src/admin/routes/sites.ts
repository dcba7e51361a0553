/** A tenant's sites: where its widget may run, and with which template. */
import type { FastifyInstance } from 'fastify';
import { siteCreateSchema, sitePatchSchema, type SiteCreate, type SitePatch } from '@chat/shared';
import { siteParams, tidParams } from './params.js';

export default async function siteRoutes(app: FastifyInstance) {
  const bo = app.backOffice;

  app.post<{ Params: { tid: string }; Body: SiteCreate }>('/tenants/:tid/sites', { schema: { params: tidParams, body: siteCreateSchema } }, async (request, reply) => {
    const caller = app.allowTenant(request, request.params.tid);
    reply.code(201);
    return bo.createSite(caller.actor, request.params.tid, request.body);
  });

  app.get<{ Params: { tid: string } }>('/tenants/:tid/sites', { schema: { params: tidParams } }, async (request) => {
    app.allowTenant(request, request.params.tid);
    return { items: await bo.listSites(request.params.tid) };
  });

  app.get<{ Params: { tid: string; siteId: string } }>('/tenants/:tid/sites/:siteId', { schema: { params: siteParams } }, async (request) => {
    app.allowTenant(request, request.params.tid);
    return bo.getSite(request.params.tid, request.params.siteId);
  });

  app.patch<{ Params: { tid: string; siteId: string }; Body: SitePatch }>(
    '/tenants/:tid/sites/:siteId',
    { schema: { params: siteParams, body: sitePatchSchema } },
    async (request) => {
      const caller = app.allowTenant(request, request.params.tid);
      return bo.patchSite(caller.actor, request.params.tid, request.params.siteId, request.body);
    },
  );

  app.delete<{ Params: { tid: string; siteId: string } }>('/tenants/:tid/sites/:siteId', { schema: { params: siteParams } }, async (request, reply) => {
    const caller = app.allowTenant(request, request.params.tid);
    await bo.deleteSite(caller.actor, request.params.tid, request.params.siteId);
    return reply.code(204).send();
  });
}
