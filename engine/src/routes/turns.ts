import type { FastifyPluginAsync } from 'fastify';
import { AppError, errorEvent, sessionParamsSchema, turnRequestSchema, type TurnRequest } from '@chat/shared';
import { openSse } from '../sse-writer.js';
import { prepareTurn, type TurnDeps } from '../turns.js';
import type { RunningTurn } from '../plugins/drain.js';

const turns: FastifyPluginAsync<{ deps: TurnDeps; heartbeatMs: number; maxConcurrentTurns: number }> = async (
  app,
  { deps, heartbeatMs, maxConcurrentTurns },
) => {
  // Turns admitted and not yet ended (preparing or streaming): the process's share of the model and CPU.
  let admitted = 0;
  app.post<{ Params: { id: string }; Body: TurnRequest }>(
    '/v1/sessions/:id/turns',
    { schema: { params: sessionParamsSchema, body: turnRequestSchema } },
    async (req, reply) => {
      if (admitted >= maxConcurrentTurns) {
        const e = new AppError('overloaded', `This engine runs ${maxConcurrentTurns} turns at once; retry shortly.`);
        e.retryAfterS = 1;
        throw e;
      }
      admitted++;
      let turn;
      try {
        // Everything the client must fix is answered here, as JSON with a status, before the stream.
        turn = await prepareTurn(deps, req.params.id, req.body);
      } catch (e) {
        admitted--;
        throw e;
      }
      reply.hijack();
      const ac = new AbortController();
      const sse = openSse(reply.raw, { heartbeatMs, headers: { 'x-request-id': String(req.id) } });
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) ac.abort();
      });
      let shutDown = false;
      const self: RunningTurn = {
        shutdown() {
          // The error is the stream's last word: nothing the aborted run still emits goes out.
          shutDown = true;
          sse.send(errorEvent('shutting_down'));
          ac.abort();
        },
      };
      app.runningTurns.add(self);
      try {
        const outcome = await turn.run((ev) => shutDown || sse.send(ev), ac.signal);
        if (outcome === 'aborted') req.log.warn({ session: req.params.id }, shutDown ? 'turn aborted: shutting down' : 'turn aborted: client disconnected');
      } catch (err) {
        req.log.error({ err, session: req.params.id }, 'turn failed');
      } finally {
        admitted--;
        app.runningTurns.delete(self);
        await turn.release();
        sse.end();
      }
    },
  );
};

export default turns;
