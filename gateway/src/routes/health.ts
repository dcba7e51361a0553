/** Liveness (the process answers) and readiness (Redis and the engine answer). */
import type { FastifyInstance } from 'fastify';

export default async function healthRoutes(app: FastifyInstance) {
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    const [redis, engine] = await Promise.all([app.kv.ping(), app.engine.ready()]);
    // A draining replica is alive but must get no new work.
    const ok = redis && engine && !app.draining;
    void reply.code(ok ? 200 : 503);
    return { ok, redis, engine, store: app.kv.kind };
  });
}
