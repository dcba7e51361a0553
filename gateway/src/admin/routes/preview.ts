/** `POST …/preview-token {template}`: a visitor token bound to a draft, for the console's live preview. */
import type { FastifyInstance } from 'fastify';
import type { TemplateBody } from '@chat/shared';
import { tidParams } from './params.js';
import { ADMIN_ERRORS, BODY_ERRORS, errors, ref } from '../../openapi.js';

const body = { type: 'object', additionalProperties: false, required: ['template'], properties: { template: { type: 'object' } } } as const;

export default async function previewRoutes(app: FastifyInstance) {
  app.post<{ Params: { tid: string }; Body: { template: TemplateBody } }>(
    '/tenants/:tid/preview-token',
    {
      schema: {
        summary: 'A preview token for a draft template',
        description:
          "A short-lived visitor token whose sessions run this draft (checked like a saved template), for the console's live preview; no site, no lead.",
        tags: ['templates'],
        operationId: 'createPreviewToken',
        params: tidParams,
        body,
        response: { 200: ref('TokenResponse', 'The preview token'), ...errors(ADMIN_ERRORS, BODY_ERRORS, { 400: ['invalid_template'] }) },
      },
    },
    async (request) => {
      const { tid } = request.params;
      app.allowTenant(request, tid);
      await app.backOffice.getTenant(tid);
      const id = await app.previews.create(tid, request.body.template);
      const minted = app.mintPreviewToken(tid, id);
      return { token: minted.token, expiresAt: minted.expiresAt };
    },
  );
}
