/**
 * buildApp(config): plugins, then routes. Never listens (server.ts does), so tests build the same app.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { baseFastifyOptions, installErrorHandling } from '@chat/shared/server';
import type { EngineConfig } from './config.js';
import { compileGraph } from './graph/graph.js';
import { createModel, type ModelSetup } from './models/providers.js';
import authPlugin from './plugins/auth.js';
import statePlugin from './plugins/state.js';
import metricsPlugin, { METRICS_ROUTE } from './plugins/metrics.js';
import { shutdownTracing, tracingCallbacks } from './tracing.js';
import drainPlugin from './plugins/drain.js';
import { TurnScopedSaver } from './state/turn-saver.js';
import healthRoutes, { OPEN_ROUTES } from './routes/health.js';
import sessionRoutes from './routes/sessions.js';
import turnRoutes from './routes/turns.js';

export interface BuildOptions {
  /** Override the model (tests of provider wiring). */
  model?: ModelSetup;
  logger?: boolean | object;
}

export async function buildApp(config: EngineConfig, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...baseFastifyOptions({ ...config, ...(opts.logger !== undefined ? { logger: opts.logger } : {}) }),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });
  installErrorHandling(app);
  await app.register(drainPlugin);
  await app.register(authPlugin, { engineKey: config.engineKey, open: [...OPEN_ROUTES, METRICS_ROUTE] });
  await app.register(statePlugin, { config });
  await app.register(metricsPlugin, { logContent: config.logContent });

  const model = opts.model ?? (await createModel(config));
  const saver = new TurnScopedSaver(app.checkpointer);
  const compiled = compileGraph(
    { model: model.model, extractor: model.extractor, contextMessages: config.contextMessages, maxFieldAttempts: config.maxFieldAttempts },
    saver,
  );
  // Langfuse keys are read from the environment directly: optional, and nothing else depends on them.
  const callbacks = await tracingCallbacks(process.env, app.log);
  app.addHook('onClose', shutdownTracing);
  const graph = callbacks.length ? (compiled.withConfig({ callbacks }) as typeof compiled) : compiled;
  app.log.info({ model: model.name, checkpointer: config.checkpointer }, 'engine ready');

  await app.register(healthRoutes);
  await app.register(turnRoutes, {
    deps: {
      graph,
      saver,
      store: app.sessionStore,
      maxMessageChars: config.maxMessageChars,
      turnTimeoutMs: config.turnTimeoutMs,
      lockTtlMs: config.lockTtlMs,
      contextMessages: config.contextMessages,
      recentReplies: config.recentReplies,
    },
    heartbeatMs: config.heartbeatMs,
    maxConcurrentTurns: config.maxConcurrentTurns,
  });
  await app.register(sessionRoutes, { graph, store: app.sessionStore, lockMs: 10_000 });
  return app;
}
