/** Liveness (the process answers) and readiness (Redis and the engine answer). */
import type { FastifyInstance } from 'fastify';
import { errors } from '../openapi.js';

const readiness = {
  type: 'object',
  additionalProperties: false,
  required: ['ok', 'redis', 'engine', 'store'],
  properties: {
    ok: { type: 'boolean' },
    redis: { type: 'boolean', description: 'The store answers.' },
    engine: { type: 'boolean', description: 'At least one engine replica is ready.' },
    store: { type: 'string', enum: ['redis', 'memory'], description: 'Where state lives.' },
  },
} as const;

export default async function healthRoutes(app: FastifyInstance) {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness',
        description: 'The process answers (also while draining).',
        tags: ['operations'],
        operationId: 'healthz',
        security: [],
        response: {
          200: { description: 'Alive', type: 'object', additionalProperties: false, required: ['ok'], properties: { ok: { type: 'boolean', enum: [true] } } },
        },
      },
    },
    async () => ({ ok: true }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness',
        description: 'Ready for work: Redis and an engine answer and this replica is not draining.',
        tags: ['operations'],
        operationId: 'readyz',
        security: [],
        response: {
          200: { description: 'Ready', ...readiness },
          // Not ready says what is missing; a draining replica refuses it like any request.
          503: { description: 'Not ready (`ok: false`), or `shutting_down` while draining', anyOf: [readiness, { $ref: 'ErrorBody#' }] },
          ...errors({ 500: ['internal'] }),
        },
      },
    },
    async (_request, reply) => {
      const [redis, engine] = await Promise.all([app.kv.ping(), app.engine.ready()]);
      // A draining replica is alive but must get no new work.
      const ok = redis && engine && !app.draining;
      void reply.code(ok ? 200 : 503);
      return { ok, redis, engine, store: app.kv.kind };
    },
  );
}
