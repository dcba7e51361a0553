import type { FastifyPluginAsync } from 'fastify';
import { randomUUID } from 'node:crypto';
import { AppError, sessionParamsSchema, type CloseResponse, type SessionView, type Template } from '@chat/shared';
import type { IntakeGraph } from '../graph/graph.js';
import { loadState, turnInProgress } from '../turns.js';
import type { SessionStore } from '../state/session-store.js';

export function fieldList(t: Template): NonNullable<SessionView['fields']> {
  return Object.entries(t.fields).map(([name, f]) => ({ name, ...(f.description ? { description: f.description } : {}), required: !!f.required }));
}

const sessions: FastifyPluginAsync<{ graph: IntakeGraph; store: SessionStore; lockMs: number }> = async (app, { graph, store, lockMs }) => {
  app.get<{ Params: { id: string } }>('/v1/sessions/:id', { schema: { params: sessionParamsSchema } }, async (req): Promise<SessionView> => {
    const [state, transcript] = await Promise.all([loadState(graph, req.params.id), store.readTranscript(req.params.id)]);
    if (!state) throw new AppError('session_not_found');
    return { status: state.status, data: state.data, missing: state.missing, invalid: state.invalid, transcript, fields: fieldList(state.template!) };
  });

  /**
   * Erasure: every key the engine keeps for the session (checkpoints, their writes and channel
   * values, the transcript, the lock), in Redis or in memory. 204 whether or not it existed; 409
   * while a turn holds the session's lock.
   */
  app.delete<{ Params: { id: string } }>('/v1/sessions/:id', { schema: { params: sessionParamsSchema } }, async (req, reply) => {
    const id = req.params.id;
    const token = randomUUID();
    if (!(await store.acquireLock(id, token, lockMs))) throw await turnInProgress({ store, lockTtlMs: lockMs }, id);
    try {
      const saver = graph.checkpointer;
      if (saver && typeof saver !== 'boolean') await saver.deleteThread(id);
    } catch (e) {
      await store.releaseLock(id, token).catch(() => {});
      throw e;
    }
    // The transcript and the lock last: no turn can start while the checkpoints go.
    await store.deleteSession(id, token);
    return reply.status(204).send();
  });

  app.post<{ Params: { id: string } }>('/v1/sessions/:id/close', { schema: { params: sessionParamsSchema } }, async (req): Promise<CloseResponse> => {
    const id = req.params.id;
    const token = randomUUID();
    if (!(await store.acquireLock(id, token, lockMs))) throw await turnInProgress({ store, lockTtlMs: lockMs }, id);
    try {
      const state = await loadState(graph, id);
      if (!state) throw new AppError('session_not_found');
      if (state.status !== 'closed') await graph.updateState({ configurable: { thread_id: id } }, { status: 'closed' }, 'reply');
      return { status: 'closed', data: state.data };
    } finally {
      await store.releaseLock(id, token).catch(() => {});
    }
  });
};

export default sessions;
