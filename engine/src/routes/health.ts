import type { FastifyPluginAsync } from 'fastify';
import { errorBody } from '@chat/shared';

export const OPEN_ROUTES = ['/healthz', '/readyz'];

const health: FastifyPluginAsync = async (app) => {
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    if (await app.stateReady()) return { ok: true };
    return reply.status(503).send(errorBody('state_unavailable'));
  });
};

export default health;
