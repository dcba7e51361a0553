/**
 * The service credential: every route but the health checks needs `Authorization: Bearer <ENGINE_KEY>`.
 * The engine never sees a visitor's token; the gateway is its only caller.
 */
import fp from 'fastify-plugin';
import { timingSafeEqual, createHash } from 'node:crypto';
import { errorBody } from '@chat/shared';

const digest = (s: string) => createHash('sha256').update(s).digest();

export default fp<{ engineKey: string; open: string[] }>(
  async (app, opts) => {
    const expected = digest(`Bearer ${opts.engineKey}`);
    app.addHook('onRequest', async (req, reply) => {
      if (opts.open.includes(req.routeOptions.url ?? '')) return;
      const got = req.headers.authorization;
      // Hash both sides so the comparison is constant-time whatever the lengths.
      if (typeof got !== 'string' || !timingSafeEqual(digest(got), expected)) {
        return reply.status(401).send(errorBody('unauthorized'));
      }
    });
  },
  { name: 'auth' },
);
