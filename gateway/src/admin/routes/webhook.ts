/**
 * The tenant's webhook: where its leads are POSTed (Standard Webhooks). The secret is shown when it
 * is made (first save, rotation) and never again; a rotated-out secret keeps signing alongside the new
 * one for 24 h, so receivers can switch without losing a delivery.
 */
import type { FastifyInstance } from 'fastify';
import { AppError, WEBHOOK_EVENT_TYPES, webhookPutSchema, type WebhookPut, type WebhookView } from '@chat/shared';
import { newWebhookSecret, rotateWebhookSecret } from '../../webhooks/config.js';
import { checkWebhookUrl } from '../../webhooks/ssrf.js';
import type { TenantDoc } from '../store.js';
import { tidParams } from './params.js';
import { ADMIN_ERRORS, BODY_ERRORS, OPERATOR_ONLY, errors, listOf, noContent, ref } from '../../openapi.js';

// The operator may let a tenant's webhook reach a private network (on-premise receivers, tests).
const putSchema = {
  ...webhookPutSchema,
  properties: { ...webhookPutSchema.properties, allowPrivateNetwork: { type: 'boolean' } },
} as const;

const tags = ['webhook'];
const view = (w: NonNullable<TenantDoc['webhook']>, secret?: string): WebhookView => ({ url: w.url, events: w.events, ...(secret ? { secret } : {}) });

export default async function webhookRoutes(app: FastifyInstance) {
  const bo = app.backOffice;
  const outbox = () => {
    if (!app.webhooks) throw new AppError('state_unavailable', 'Webhooks need REDIS_URL (their outbox lives in Redis).');
    return app.webhooks;
  };

  app.put<{ Params: { tid: string }; Body: WebhookPut & { allowPrivateNetwork?: boolean } }>(
    '/tenants/:tid/webhook',
    {
      schema: {
        summary: 'Set the webhook',
        description:
          "Where the tenant's leads are POSTed (Standard Webhooks signatures), for which events. The first save makes a signing secret, in that answer only; saving again keeps the secrets. The URL is checked (absolute http(s), no credentials, no private network unless `allowPrivateNetwork`, which only the operator may set).",
        tags,
        operationId: 'putWebhook',
        params: tidParams,
        body: putSchema,
        response: {
          200: ref('WebhookView', 'Saved (with `secret` the first time)'),
          ...errors(ADMIN_ERRORS, BODY_ERRORS, OPERATOR_ONLY, { 400: ['invalid_webhook_url'] }),
        },
      },
    },
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

  const get = {
    summary: 'The webhook',
    description: 'Without its secrets.',
    tags,
    operationId: 'getWebhook',
    params: tidParams,
    response: { 200: ref('WebhookView', 'The webhook'), ...errors(ADMIN_ERRORS) },
  };
  app.get<{ Params: { tid: string } }>('/tenants/:tid/webhook', { schema: get }, async (request) => {
    app.allowTenant(request, request.params.tid);
    const w = (await bo.getTenant(request.params.tid)).webhook;
    if (!w) throw new AppError('not_found', 'No webhook is set.');
    return view(w);
  });

  const del = {
    summary: 'Remove the webhook',
    tags,
    operationId: 'deleteWebhook',
    params: tidParams,
    response: { 204: noContent('Removed'), ...errors(ADMIN_ERRORS) },
  };
  app.delete<{ Params: { tid: string } }>('/tenants/:tid/webhook', { schema: del }, async (request, reply) => {
    const caller = app.allowTenant(request, request.params.tid);
    await bo.changeWebhook(caller.actor, request.params.tid, 'webhook.delete', (doc) => {
      if (!doc.webhook) throw new AppError('not_found', 'No webhook is set.');
      delete doc.webhook;
    });
    return reply.code(204).send();
  });

  const rotate = {
    summary: 'Rotate the signing secret',
    description: 'A new secret, in this answer only; the previous one keeps signing alongside it for 24 h, so receivers can switch without losing a delivery.',
    tags,
    operationId: 'rotateWebhookSecret',
    params: tidParams,
    response: { 200: ref('WebhookView', 'The webhook with its new `secret`'), ...errors(ADMIN_ERRORS, { 400: ['invalid_json'] }) },
  };
  app.post<{ Params: { tid: string } }>('/tenants/:tid/webhook/rotate-secret', { schema: rotate }, async (request) => {
    const caller = app.allowTenant(request, request.params.tid);
    return bo.changeWebhook(caller.actor, request.params.tid, 'webhook.rotate-secret', (doc) => {
      if (!doc.webhook) throw new AppError('not_found', 'No webhook is set.');
      const { secret, secrets } = rotateWebhookSecret(doc.webhook.secrets);
      doc.webhook.secrets = secrets;
      return view(doc.webhook, secret);
    });
  });

  const test = {
    summary: 'Send a test ping',
    description: 'One signed `ping` POSTed now, recorded in the deliveries. Needs Redis (503 `state_unavailable` without).',
    tags,
    operationId: 'testWebhook',
    params: tidParams,
    response: { 200: ref('WebhookTestResult', 'What the receiver did'), ...errors(ADMIN_ERRORS, { 400: ['invalid_json'] }) },
  };
  app.post<{ Params: { tid: string } }>('/tenants/:tid/webhook/test', { schema: test }, async (request) => {
    app.allowTenant(request, request.params.tid);
    if (!(await bo.getTenant(request.params.tid)).webhook) throw new AppError('not_found', 'No webhook is set.');
    return outbox().ping(request.params.tid);
  });

  const deliveries = {
    summary: 'Recent deliveries',
    description: "The tenant's last 100 deliveries (pings too), newest first. Needs Redis (503 `state_unavailable` without).",
    tags,
    operationId: 'listWebhookDeliveries',
    params: tidParams,
    response: { 200: listOf('DeliveryView', 'Deliveries, newest first'), ...errors(ADMIN_ERRORS) },
  };
  app.get<{ Params: { tid: string } }>('/tenants/:tid/webhook/deliveries', { schema: deliveries }, async (request) => {
    app.allowTenant(request, request.params.tid);
    await bo.getTenant(request.params.tid);
    return { items: await outbox().outbox.recent(request.params.tid, 100) };
  });
}
