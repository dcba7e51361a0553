/** Tenants and their API keys; the audit log. */
import type { FastifyInstance } from 'fastify';
import { AppError, tenantCreateSchema, tenantPatchSchema, type TenantCreate, type TenantPatch } from '@chat/shared';
import { tidParams, keyParams, auditQuery } from './params.js';
import { ADMIN_ERRORS, BODY_ERRORS, OPERATOR_ONLY, SERVER_ERRORS, errors, listOf, noContent, ref } from '../../openapi.js';

const tags = ['tenants'];

export default async function tenantRoutes(app: FastifyInstance) {
  const bo = app.backOffice;
  const operator = (request: { admin: { tenantId: string | null } | null }) => {
    if (request.admin!.tenantId !== null) throw new AppError('forbidden', 'Only the platform operator may do that.');
  };

  app.post<{ Body: TenantCreate }>(
    '/tenants',
    {
      schema: {
        summary: 'Create a tenant',
        description: 'Operator only.',
        tags,
        operationId: 'createTenant',
        body: tenantCreateSchema,
        response: { 201: ref('TenantView', 'Created'), ...errors(ADMIN_ERRORS, BODY_ERRORS, OPERATOR_ONLY, { 409: ['already_exists'] }) },
      },
    },
    async (request, reply) => {
      operator(request);
      reply.code(201);
      return bo.createTenant(request.admin!.actor, request.body);
    },
  );

  const list = {
    summary: 'Every tenant',
    description: 'Operator only.',
    tags,
    operationId: 'listTenants',
    response: { 200: listOf('TenantView', 'The tenants, by id'), ...errors({ 401: ['unauthorized'], 404: ['not_found'] }, OPERATOR_ONLY, SERVER_ERRORS) },
  };
  app.get('/tenants', { schema: list }, async (request) => {
    operator(request);
    return { items: await bo.listTenants() };
  });

  const get = {
    summary: 'A tenant',
    description: 'With its limits in force, site and template ids, key ids and webhook (without secrets).',
    tags,
    operationId: 'getTenant',
    params: tidParams,
    response: { 200: ref('TenantView', 'The tenant'), ...errors(ADMIN_ERRORS) },
  };
  app.get<{ Params: { tid: string } }>('/tenants/:tid', { schema: get }, async (request) => {
    app.allowTenant(request, request.params.tid);
    return bo.tenantView(await bo.getTenant(request.params.tid));
  });

  const patch = {
    summary: 'Change a tenant',
    description: 'Its name; its limits (operator only).',
    tags,
    operationId: 'patchTenant',
    params: tidParams,
    body: tenantPatchSchema,
    response: { 200: ref('TenantView', 'The tenant as changed'), ...errors(ADMIN_ERRORS, BODY_ERRORS, OPERATOR_ONLY) },
  };
  app.patch<{ Params: { tid: string }; Body: TenantPatch }>('/tenants/:tid', { schema: patch }, async (request) => {
    const caller = app.allowTenant(request, request.params.tid, request.body.limits !== undefined);
    return bo.patchTenant(caller.actor, request.params.tid, request.body);
  });

  const del = {
    summary: 'Delete a tenant',
    description: 'Operator only.',
    tags,
    operationId: 'deleteTenant',
    params: tidParams,
    response: { 204: noContent('Deleted'), ...errors(ADMIN_ERRORS, OPERATOR_ONLY) },
  };
  app.delete<{ Params: { tid: string } }>('/tenants/:tid', { schema: del }, async (request, reply) => {
    const caller = app.allowTenant(request, request.params.tid, true);
    await bo.deleteTenant(caller.actor, request.params.tid);
    return reply.code(204).send();
  });

  const createKey = {
    summary: 'Create a tenant key',
    description: 'Operator only. The key (`sk_…`) is in this answer and nowhere else: only its SHA-256 is stored.',
    tags,
    operationId: 'createKey',
    params: tidParams,
    response: { 201: ref('KeyCreated', 'The new key, shown once'), ...errors(ADMIN_ERRORS, OPERATOR_ONLY) },
  };
  app.post<{ Params: { tid: string } }>('/tenants/:tid/keys', { schema: createKey }, async (request, reply) => {
    const caller = app.allowTenant(request, request.params.tid, true);
    reply.code(201);
    return bo.createKey(caller.actor, request.params.tid);
  });

  const deleteKey = {
    summary: 'Revoke a tenant key',
    description: 'Operator only.',
    tags,
    operationId: 'deleteKey',
    params: keyParams,
    response: { 204: noContent('Revoked'), ...errors(ADMIN_ERRORS, OPERATOR_ONLY) },
  };
  app.delete<{ Params: { tid: string; keyId: string } }>('/tenants/:tid/keys/:keyId', { schema: deleteKey }, async (request, reply) => {
    const caller = app.allowTenant(request, request.params.tid, true);
    await bo.deleteKey(caller.actor, request.params.tid, request.params.keyId);
    return reply.code(204).send();
  });

  app.get<{ Params: { tid: string }; Querystring: { limit?: number } }>(
    '/tenants/:tid/audit',
    {
      schema: {
        summary: "The tenant's audit log",
        description: 'Newest first: who (`admin` or a key id) did what to which target, and when.',
        tags: ['audit'],
        operationId: 'getAudit',
        params: tidParams,
        querystring: auditQuery,
        response: { 200: listOf('AuditEntry', 'Entries, newest first'), ...errors(ADMIN_ERRORS) },
      },
    },
    async (request) => {
      app.allowTenant(request, request.params.tid);
      return { items: await bo.audit(request.params.tid, request.query.limit ?? 100) };
    },
  );
}
