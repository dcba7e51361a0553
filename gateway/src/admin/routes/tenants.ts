/** Tenants and their API keys; the audit log. */
import type { FastifyInstance } from 'fastify';
import { AppError, tenantCreateSchema, tenantPatchSchema, type TenantCreate, type TenantPatch } from '@chat/shared';
import { tidParams, keyParams, auditQuery } from './params.js';

export default async function tenantRoutes(app: FastifyInstance) {
  const bo = app.backOffice;
  const operator = (request: { admin: { tenantId: string | null } | null }) => {
    if (request.admin!.tenantId !== null) throw new AppError('forbidden', 'Only the platform operator may do that.');
  };

  app.post<{ Body: TenantCreate }>('/tenants', { schema: { body: tenantCreateSchema } }, async (request, reply) => {
    operator(request);
    reply.code(201);
    return bo.createTenant(request.admin!.actor, request.body);
  });

  app.get('/tenants', async (request) => {
    operator(request);
    return { items: await bo.listTenants() };
  });

  app.get<{ Params: { tid: string } }>('/tenants/:tid', { schema: { params: tidParams } }, async (request) => {
    app.allowTenant(request, request.params.tid);
    return bo.tenantView(await bo.getTenant(request.params.tid));
  });

  app.patch<{ Params: { tid: string }; Body: TenantPatch }>('/tenants/:tid', { schema: { params: tidParams, body: tenantPatchSchema } }, async (request) => {
    const caller = app.allowTenant(request, request.params.tid, request.body.limits !== undefined);
    return bo.patchTenant(caller.actor, request.params.tid, request.body);
  });

  app.delete<{ Params: { tid: string } }>('/tenants/:tid', { schema: { params: tidParams } }, async (request, reply) => {
    const caller = app.allowTenant(request, request.params.tid, true);
    await bo.deleteTenant(caller.actor, request.params.tid);
    return reply.code(204).send();
  });

  app.post<{ Params: { tid: string } }>('/tenants/:tid/keys', { schema: { params: tidParams } }, async (request, reply) => {
    const caller = app.allowTenant(request, request.params.tid, true);
    reply.code(201);
    return bo.createKey(caller.actor, request.params.tid);
  });

  app.delete<{ Params: { tid: string; keyId: string } }>('/tenants/:tid/keys/:keyId', { schema: { params: keyParams } }, async (request, reply) => {
    const caller = app.allowTenant(request, request.params.tid, true);
    await bo.deleteKey(caller.actor, request.params.tid, request.params.keyId);
    return reply.code(204).send();
  });

  app.get<{ Params: { tid: string }; Querystring: { limit?: number } }>(
    '/tenants/:tid/audit',
    { schema: { params: tidParams, querystring: auditQuery } },
    async (request) => {
      app.allowTenant(request, request.params.tid);
      return { items: await bo.audit(request.params.tid, request.query.limit ?? 100) };
    },
  );
}
