/** GET /metrics: the Prometheus exposition of plugins/metrics.ts. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { AppError, errorBody } from '@chat/shared';
import type { Config } from '../config.js';
import { errors, media } from '../openapi.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

export default async function metricsRoutes(app: FastifyInstance, { config }: { config: Config }) {
  // Open by default, as internal exporters are; production needs METRICS_TOKEN or gets a 404.
  const expected = config.metricsToken ? digest(`Bearer ${config.metricsToken}`) : undefined;
  if (!expected && config.env === 'production') app.log.warn('METRICS_TOKEN is unset: /metrics is off in production');
  const schema: FastifySchema = {
    summary: 'Prometheus metrics',
    description: 'The text exposition format. Needs `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set; off (404) in production without it.',
    tags: ['operations'],
    operationId: 'metrics',
    security: [{}, { metricsToken: [] }],
    response: {
      200: media('Metrics, `gateway_` prefixed', ['text/plain']),
      ...errors({ 401: ['unauthorized'], 404: ['not_found'] }),
    },
  };
  app.get('/metrics', { schema }, async (req, reply) => {
    if (!expected) {
      if (config.env === 'production') return reply.code(404).send(errorBody('not_found'));
    } else if (!timingSafeEqual(digest(String(req.headers.authorization ?? '')), expected)) {
      throw new AppError('unauthorized', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>.');
    }
    void reply.type(app.metrics.registry.contentType);
    return app.metrics.registry.metrics();
  });
}
