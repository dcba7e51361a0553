/**
 * The tenant's webhook: where its leads are POSTed (Standard Webhooks). The secret is shown when it
 * is made (first save, rotation) and never again; a rotated-out secret keeps signing alongside the new
 * one for 24 h, so receivers can switch without losing a delivery.
 */
import type { FastifyInstance } from 'fastify';
import { AppError, WEBHOOK_EVENT_TYPES, webhookPutSchema, type WebhookPut, type WebhookView } from '@chat/shared';
import type { Config } from '../../config.js';
import { newWebhookSecret, rotateWebhookSecret } from '../../webhooks/config.js';
import { checkWebhookUrl } from '../../webhooks/ssrf.js';
import type { TenantDoc } from '../store.js';
import { tidParams } from './params.js';

// The operator may let a tenant's webhook reach a private network (on-premise receivers, tests).
const putSchema = {
  ...webhookPutSchema,
  properties: { ...webhookPutSchema.properties, allowPrivateNetwork: { type: 'boolean' } },
} as const;

const view = (w: NonNullable<TenantDoc['webhook']>, secret?: string): WebhookView => ({ url: w.url, events: w.events, ...(secret ? { secret } : {}) });

export default async function webhookRoutes(app: FastifyInstance, { config }: { config: Config }) {
  const bo = app.backOffice;
  const outbox = () => {
    if (!app.webhooks) throw new AppError('state_unavailable', 'Webhooks need REDIS_URL (their outbox lives in Redis).');
    return app.webhooks;
  };

  app.put<{ Params: { tid: string }; Body: WebhookPut & { allowPrivateNetwork?: boolean } }>(
    '/tenants/:tid/webhook',
    { schema: { params: tidParams, body: putSchema } },
    async (request) => {
      const { tid } = request.params;
      const body = request.body;
      const caller = app.allowTenant(request, tid, body.allowPrivateNetwork !== undefined);
      const current = (await bo.getTenant(tid)).webhook;
      const allowPrivateNetwork = body.allowPrivateNetwork ?? current?.allowPrivateNetwork ?? false;
      const problem = await checkWebhookUrl(body.url, allowPrivateNetwork);
      if (problem) throw new AppError('invalid_webhook_url', `The webhook URL is not allowed: ${problem}`);
      // A new webhook gets a secret, shown in this answer only; saving an existing one keeps its secrets.
      const secret = newWebhookSecret();
      return bo.changeWebhook(caller.actor, tid, current ? 'webhook.update' : 'webhook.create', (doc) => {
        const fresh = !doc.webhook;
        const secrets = doc.webhook?.secrets ?? [{ secret }];
        doc.webhook = { url: body.url, events: body.events ?? [...WEBHOOK_EVENT_TYPES], allowPrivateNetwork, secrets };
        return view(doc.webhook, fresh ? secret : undefined);
      });
    },
  );

  app.get<{ Params: { tid: string } }>('/tenants/:tid/webhook', { schema: { params: tidParams } }, async (request) => {
    app.allowTenant(request, request.params.tid);
    const w = (await bo.getTenant(request.params.tid)).webhook;
    if (!w) throw new AppError('not_found', 'No webhook is set.');
    return view(w);
  });

  app.delete<{ Params: { tid: string } }>('/tenants/:tid/webhook', { schema: { params: tidParams } }, async (request, reply) => {
    const caller = app.allowTenant(request, request.params.tid);
    await bo.changeWebhook(caller.actor, request.params.tid, 'webhook.delete', (doc) => {
      if (!doc.webhook) throw new AppError('not_found', 'No webhook is set.');
      delete doc.webhook;
    });
    return reply.code(204).send();
  });

  app.post<{ Params: { tid: string } }>('/tenants/:tid/webhook/rotate-secret', { schema: { params: tidParams } }, async (request) => {
    const caller = app.allowTenant(request, request.params.tid);
    return bo.changeWebhook(caller.actor, request.params.tid, 'webhook.rotate-secret', (doc) => {
      if (!doc.webhook) throw new AppError('not_found', 'No webhook is set.');
      const { secret, secrets } = rotateWebhookSecret(doc.webhook.secrets);
      doc.webhook.secrets = secrets;
      return view(doc.webhook, secret);
    });
  });

  app.post<{ Params: { tid: string } }>('/tenants/:tid/webhook/test', { schema: { params: tidParams } }, async (request) => {
    app.allowTenant(request, request.params.tid);
    if (!(await bo.getTenant(request.params.tid)).webhook) throw new AppError('not_found', 'No webhook is set.');
    return outbox().ping(request.params.tid);
  });

  app.get<{ Params: { tid: string } }>('/tenants/:tid/webhook/deliveries', { schema: { params: tidParams } }, async (request) => {
    app.allowTenant(request, request.params.tid);
    await bo.getTenant(request.params.tid);
    return { items: await outbox().outbox.recent(request.params.tid, 100) };
  });

  void config;
}
