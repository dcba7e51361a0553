import type { FastifyPluginAsync } from 'fastify';
import { sessionParamsSchema, turnRequestSchema, type TurnRequest } from '@chat/shared';
import { openSse } from '../sse-writer.js';
import { prepareTurn, type TurnDeps } from '../turns.js';

const turns: FastifyPluginAsync<{ deps: TurnDeps; heartbeatMs: number }> = async (app, { deps, heartbeatMs }) => {
  app.post<{ Params: { id: string }; Body: TurnRequest }>(
    '/v1/sessions/:id/turns',
    { schema: { params: sessionParamsSchema, body: turnRequestSchema } },
    async (req, reply) => {
      // Everything the client must fix is answered here, as JSON with a status, before the stream.
      const turn = await prepareTurn(deps, req.params.id, req.body);
      reply.hijack();
      const ac = new AbortController();
      const sse = openSse(reply.raw, { heartbeatMs, headers: { 'x-request-id': String(req.id) } });
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) ac.abort();
      });
      try {
        const outcome = await turn.run((ev) => sse.send(ev), ac.signal);
        if (outcome === 'aborted') req.log.warn({ session: req.params.id }, 'turn aborted: client disconnected');
      } catch (err) {
        req.log.error({ err, session: req.params.id }, 'turn failed');
      } finally {
        await turn.release();
        sse.end();
      }
    },
  );
};

export default turns;
