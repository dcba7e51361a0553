/**
 * The admin API under /admin/v1: the platform operator's key (ADMIN_KEY) manages tenants and their
 * keys; a tenant's key (`sk_…`, stored only as its SHA-256) manages that tenant and nothing else.
 * Without ADMIN_KEY the whole API answers 404, as if it were not there. This context has its own
 * OpenAPI document (openapi.ts): `/admin/v1/openapi.json` and the page `/admin/v1/docs`, public
 * while the API is on.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '@chat/shared';
import type { Config } from '../config.js';
import { hashKey, type Actor, type BackOffice } from './back-office.js';
import tenantRoutes from './routes/tenants.js';
import siteRoutes from './routes/sites.js';
import templateRoutes from './routes/templates.js';
import webhookRoutes from './routes/webhook.js';
import submissionRoutes from './routes/submissions.js';
import previewRoutes from './routes/preview.js';
import whoamiRoutes from './routes/whoami.js';
import { documentAdminApi, serveAdminDocs } from '../openapi.js';

export interface AdminCaller {
  actor: Actor;
  /** null for the platform operator. */
  tenantId: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    admin: AdminCaller | null;
  }
  interface FastifyInstance {
    backOffice: BackOffice;
    /**
     * The caller may act on tenant `tid`: the operator always; a tenant key only on its own tenant
     * (another tenant answers 404, as if it did not exist) and, with `operatorOnly`, not at all (403).
     */
    allowTenant: (request: FastifyRequest, tid: string, operatorOnly?: boolean) => AdminCaller;
  }
}

const sha = (s: string) => createHash('sha256').update(s).digest();

export const ADMIN_PREFIX = '/admin/v1';

export default async function adminPlugin(app: FastifyInstance, { config, prefix = ADMIN_PREFIX }: { config: Config; prefix?: string }) {
  // First: swagger documents the routes registered after it, in this context.
  await documentAdminApi(app);
  const adminHash = config.adminKey ? sha(config.adminKey) : undefined;
  app.decorateRequest('admin', null);

  app.addHook('onRequest', async (request) => {
    if (!adminHash) throw new AppError('not_found', `No route ${request.method} ${request.url.split('?')[0]}.`);
    if (request.routeOptions.config && (request.routeOptions.config as { public?: boolean }).public) return;
    const h = request.headers.authorization;
    const m = h ? /^Bearer (\S{1,512})$/.exec(h) : null;
    if (!m) throw new AppError('unauthorized', 'Missing Authorization: Bearer <admin or tenant key>.');
    const key = m[1]!;
    if (timingSafeEqual(sha(key), adminHash)) {
      request.admin = { actor: 'admin', tenantId: null };
      return;
    }
    const owner = key.startsWith('sk_') ? app.backOffice.registry.keyOwner(hashKey(key)) : undefined;
    if (!owner) throw new AppError('unauthorized', 'The key is unknown or revoked.');
    request.admin = { actor: owner.keyId, tenantId: owner.tenantId };
  });

  app.decorate('allowTenant', (request: FastifyRequest, tid: string, operatorOnly = false): AdminCaller => {
    const caller = request.admin!;
    if (caller.tenantId === null) return caller;
    if (caller.tenantId !== tid) throw new AppError('not_found', 'No such tenant.');
    if (operatorOnly) throw new AppError('forbidden', 'Only the platform operator may do that.');
    return caller;
  });

  // Every admin answer is private and fresh.
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('cache-control', 'no-store');
    return payload;
  });

  // Registered after the hooks above, so they apply: off means 404; the key check skips these (config.public).
  await serveAdminDocs(app, { prefix });
  await app.register(tenantRoutes);
  await app.register(siteRoutes);
  await app.register(templateRoutes);
  await app.register(webhookRoutes);
  await app.register(submissionRoutes);
  await app.register(previewRoutes);
  await app.register(whoamiRoutes);
}
