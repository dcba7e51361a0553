/** A tenant's sites: where its widget may run, and with which template. */
import type { FastifyInstance } from 'fastify';
import { siteCreateSchema, sitePatchSchema, type SiteCreate, type SitePatch } from '@chat/shared';
import { siteParams, tidParams } from './params.js';
import { ADMIN_ERRORS, BODY_ERRORS, errors, listOf, noContent, ref } from '../../openapi.js';

const tags = ['sites'];

export default async function siteRoutes(app: FastifyInstance) {
  const bo = app.backOffice;

  const create = {
    summary: 'Create a site',
    description:
      "Exact origins (scheme, host, optional port) and the id of one of the tenant's templates. The answer holds the new `siteKey` the widget names.",
    tags,
    operationId: 'createSite',
    params: tidParams,
    body: siteCreateSchema,
    response: { 201: ref('SiteView', 'Created'), ...errors(ADMIN_ERRORS, BODY_ERRORS, { 409: ['already_exists'] }) },
  };
  app.post<{ Params: { tid: string }; Body: SiteCreate }>('/tenants/:tid/sites', { schema: create }, async (request, reply) => {
    const caller = app.allowTenant(request, request.params.tid);
    reply.code(201);
    return bo.createSite(caller.actor, request.params.tid, request.body);
  });

  const list = {
    summary: "The tenant's sites",
    tags,
    operationId: 'listSites',
    params: tidParams,
    response: { 200: listOf('SiteView', 'The sites, by id'), ...errors(ADMIN_ERRORS) },
  };
  app.get<{ Params: { tid: string } }>('/tenants/:tid/sites', { schema: list }, async (request) => {
    app.allowTenant(request, request.params.tid);
    return { items: await bo.listSites(request.params.tid) };
  });

  const get = { summary: 'A site', tags, operationId: 'getSite', params: siteParams, response: { 200: ref('SiteView', 'The site'), ...errors(ADMIN_ERRORS) } };
  app.get<{ Params: { tid: string; siteId: string } }>('/tenants/:tid/sites/:siteId', { schema: get }, async (request) => {
    app.allowTenant(request, request.params.tid);
    return bo.getSite(request.params.tid, request.params.siteId);
  });

  const patch = {
    summary: 'Change a site',
    description: 'Its origins, template or allowed context keys; effective on every gateway within a second.',
    tags,
    operationId: 'patchSite',
    params: siteParams,
    body: sitePatchSchema,
    response: { 200: ref('SiteView', 'The site as changed'), ...errors(ADMIN_ERRORS, BODY_ERRORS) },
  };
  app.patch<{ Params: { tid: string; siteId: string }; Body: SitePatch }>('/tenants/:tid/sites/:siteId', { schema: patch }, async (request) => {
    const caller = app.allowTenant(request, request.params.tid);
    return bo.patchSite(caller.actor, request.params.tid, request.params.siteId, request.body);
  });

  const del = {
    summary: 'Delete a site',
    description: 'Its site key stops working.',
    tags,
    operationId: 'deleteSite',
    params: siteParams,
    response: { 204: noContent('Deleted'), ...errors(ADMIN_ERRORS) },
  };
  app.delete<{ Params: { tid: string; siteId: string } }>('/tenants/:tid/sites/:siteId', { schema: del }, async (request, reply) => {
    const caller = app.allowTenant(request, request.params.tid);
    await bo.deleteSite(caller.actor, request.params.tid, request.params.siteId);
    return reply.code(204).send();
  });
}
