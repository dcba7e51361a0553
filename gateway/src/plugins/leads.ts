/**
 * Leads: what a session becomes for the tenant. A session is complete when every required field
 * holds a valid value (the engine says `complete`); then it is recorded as a submission and
 * `session.completed` fires, once. Later changes (an optional field, a correction) update the
 * submission and fire a debounced `session.updated`. A session closed, or idle past SESSION_IDLE_S,
 * while still missing a required field is an abandoned submission and fires `session.abandoned`;
 * a complete one never is. Erasure removes a submission and every trace of its session.
 *
 * Idle sessions are tracked in `gw:sessions:idle` (score: last activity, ms); without Redis there is
 * no sweeper, so nothing is reported abandoned for idleness.
 */
import fp from 'fastify-plugin';
import type { SessionStatus, Submission } from '@chat/shared';
import type { RedisConnection } from '@chat/shared/server';
import { newRedisClient } from '../redis-client.js';
import type { Config } from '../config.js';
import type { SessionRecord } from '../sessions.js';
import { memorySubmissions, redisSubmissions, SUBMISSION_SCRIPTS, type SubmissionStore, type SubmissionsRedis } from '../admin/submissions.js';

export const IDLE_SET = 'gw:sessions:idle';

interface Client extends SubmissionsRedis, RedisConnection {
  zAdd(key: string, m: { score: number; value: string }): Promise<unknown>;
  zRem(key: string, member: string): Promise<unknown>;
  zRangeByScore(key: string, min: number | string, max: number | string, opts: { LIMIT: { offset: number; count: number } }): Promise<string[]>;
}

export interface Leads {
  store: SubmissionStore;
  /** Record the session's outcome as it is now (and fire what that means). */
  record(rec: SessionRecord, status: 'complete' | 'abandoned'): Promise<Submission | null>;
  /** Abandon what has idled past SESSION_IDLE_S; returns how many were abandoned. */
  sweep(): Promise<number>;
  /** A visitor's erasure: the submission, the session's state, transcript, event log and queued webhooks. */
  erase(tenantId: string, submissionId: string, requestId: string): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    leads: Leads;
  }
}

export default fp<{ config: Config }>(
  async (app, { config }) => {
    let client: Client | undefined;
    let store: SubmissionStore;
    if (config.redisUrl && app.kv.kind === 'redis') {
      client = newRedisClient<Client>(config.redisUrl, config.redisCluster, SUBMISSION_SCRIPTS);
      client.on('error', (e) => app.log.warn({ err: e.message }, 'leads redis error'));
      await client.connect();
      store = redisSubmissions(client, { retainDays: config.submissionsRetainDays });
    } else {
      store = memorySubmissions({ retainDays: config.submissionsRetainDays });
    }

    async function record(rec: SessionRecord, status: 'complete' | 'abandoned'): Promise<Submission | null> {
      // Preview sessions (a draft template tried in the console) never become leads.
      if (rec.siteId === '') return null;
      const view = (await app.engine.getSession(rec.id, `lead-${rec.id}`)) as { data?: Record<string, unknown> };
      const data = view.data ?? {};
      const { submission, created, changed } = await store.upsert({
        sessionId: rec.id,
        tenantId: rec.tenantId,
        siteId: rec.siteId,
        templateId: rec.templateId,
        templateVersion: rec.templateVersion,
        status,
        data,
        context: rec.context,
      });
      if (created || changed)
        app.log.info({ submissionId: submission.id, sessionId: rec.id, tenantId: rec.tenantId, status: submission.status }, 'lead recorded');
      const wh = app.webhooks;
      if (!wh) return submission;
      if (submission.status === 'abandoned') {
        if (created) await wh.emit(rec, 'session.abandoned', data, submission.id);
      } else if (submission.completedAt === submission.updatedAt) {
        // Completed in this very upsert: the one completion event.
        await wh.emit(rec, 'session.completed', data, submission.id);
      } else if (changed) {
        await wh.update(rec, data, submission.id);
      }
      return submission;
    }

    const pending = new Set<Promise<void>>();
    const safely = async (what: string, sessionId: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (e) {
        // The idle sweeper retries what is lost here: the session stays in the idle set.
        app.log.error({ err: e, sessionId }, `leads: ${what} failed`);
      }
    };

    app.sessions.observe({
      async touched(id: string, status: SessionStatus | undefined) {
        if (client) await safely('idle tracking', id, () => client!.zAdd(IDLE_SET, { score: Date.now(), value: id }));
        if (status !== 'complete') return;
        // Off the turn's path: the visitor's `done` (and their next message) must not wait for the
        // engine read, the upsert and the webhook. Lost work is redone by the idle sweeper.
        const work = safely('completion', id, async () => {
          const rec = await app.sessions.get(id);
          if (rec) await record(rec, 'complete');
        });
        pending.add(work);
        void work.finally(() => pending.delete(work));
      },
      async closed(id: string, previous: SessionStatus | undefined) {
        if (previous !== 'complete' && previous !== 'closed')
          await safely('abandonment', id, async () => {
            const rec = await app.sessions.get(id);
            if (rec) await record(rec, 'abandoned');
          });
        if (client) await safely('idle tracking', id, () => client!.zRem(IDLE_SET, id));
      },
    });

    async function sweep(): Promise<number> {
      if (!client) return 0;
      const ids = await client.zRangeByScore(IDLE_SET, '-inf', Date.now() - config.sessionIdleS * 1000, { LIMIT: { offset: 0, count: 100 } });
      let n = 0;
      for (const id of ids) {
        const rec = await app.sessions.get(id);
        // Record before forgetting it, so a crash in between only repeats an idempotent upsert.
        if (rec?.status === 'collecting' && (await record(rec, 'abandoned'))?.status === 'abandoned') n++;
        if (rec?.status === 'complete') await record(rec, 'complete');
        await client.zRem(IDLE_SET, id);
      }
      return n;
    }

    async function erase(tenantId: string, submissionId: string, requestId: string): Promise<void> {
      const sub = await store.get(tenantId, submissionId);
      if (!sub) return;
      const id = sub.sessionId;
      // The engine's state first: if it fails, the submission is still there to retry the erasure from.
      await app.engine.deleteSession(id, requestId);
      await Promise.all([
        app.sessions.erase(id),
        app.eventLog.forget(id),
        app.turnCoordinator.forget(id),
        app.webhooks?.forget(id),
        client?.zRem(IDLE_SET, id),
      ]);
      await store.delete(tenantId, submissionId);
      app.log.info({ tenantId, submissionId, sessionId: id }, 'lead erased');
    }

    const timer = setInterval(() => void sweep().catch((e) => app.log.warn({ err: e }, 'idle sweep failed')), config.webhookPollMs);
    timer.unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await Promise.allSettled([...pending]);
      if (client?.isOpen) await client.close();
    });
    app.decorate('leads', { store, record, sweep, erase });
  },
  { name: 'leads', dependencies: ['redis', 'registry', 'webhooks'] },
);
