import type { FastifyPluginAsync } from 'fastify';
import { errorBody } from '@chat/shared';

export const OPEN_ROUTES = ['/healthz', '/readyz'];

const health: FastifyPluginAsync = async (app) => {
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    // A draining engine is alive but must get no new turn.
    if (app.draining) return reply.status(503).send(errorBody('shutting_down'));
    if (await app.stateReady()) return { ok: true };
    return reply.status(503).send(errorBody('state_unavailable'));
  });
};

export default health;
