/**
 * `GET /admin/v1/whoami`: who the key in use is. A tenant key (`sk_…`) does not name its tenant, so
 * the console asks here after sign-in; the operator's key answers `tenantId: null`.
 */
import type { FastifyInstance } from 'fastify';
import { ADMIN_ERRORS, errors } from '../../openapi.js';

const whoami = {
  summary: 'Who the key is',
  description: "The key's actor (`admin`, or the tenant key's id) and its tenant (`null` for the operator's key).",
  tags: ['tenants'],
  operationId: 'whoami',
  response: {
    200: {
      description: 'The caller',
      type: 'object',
      additionalProperties: false,
      required: ['actor', 'tenantId'],
      properties: {
        actor: { type: 'string', description: "`admin` for the operator key, else the tenant key's id (`key_…`)." },
        tenantId: { type: ['string', 'null'], description: 'The tenant the key manages; null for the operator.' },
      },
    },
    ...errors(ADMIN_ERRORS),
  },
};

export default async function whoamiRoutes(app: FastifyInstance) {
  app.get('/whoami', { schema: whoami }, async (request) => ({ actor: request.admin!.actor, tenantId: request.admin!.tenantId }));
}
