/**
 * buildApp(config): the whole gateway, plugins then routes. Never listens (server.ts does), so
 * tests build the very same app.
 *
 * Plugins (fastify-plugin, so their hooks, decorators and error handling reach every route) are
 * registered at the root; then two encapsulated contexts, one per HTTP API, each with its own
 * OpenAPI document (openapi.ts): the public routes (publicApi below) and the admin API (admin/plugin.ts).
 */
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { baseFastifyOptions, installErrorHandling } from '@chat/shared/server';
import type { Config } from './config.js';
import { validatorCompiler } from './validation.js';
import redisPlugin, { type Kv } from './plugins/redis.js';
import authPlugin from './plugins/auth.js';
import corsPlugin from './plugins/cors.js';
import limitsPlugin from './plugins/limits.js';
import metricsPlugin from './plugins/metrics.js';
import webhooksPlugin from './plugins/webhooks.js';
import leadsPlugin from './plugins/leads.js';
import eventLogPlugin from './plugins/event-log.js';
import streamsPlugin from './plugins/streams.js';
import turnsPlugin from './plugins/turns.js';
import drainPlugin from './plugins/drain.js';
import registryPlugin from './plugins/registry.js';
import adminPlugin, { ADMIN_PREFIX } from './admin/plugin.js';
import { Sessions } from './sessions.js';
import { Previews } from './admin/previews.js';
import { createEngineClient, type EngineClient } from './engine-client.js';
import type { EventLog } from './event-log/log.js';
import tokenRoutes from './routes/token.js';
import chatRoutes from './routes/chat.js';
import sessionRoutes from './routes/sessions.js';
import streamRoutes from './routes/stream.js';
import healthRoutes from './routes/health.js';
import staticRoutes from './routes/static.js';
import metricsRoutes from './routes/metrics.js';
import { documentPublicApi, servePublicDocs } from './openapi.js';

declare module 'fastify' {
  interface FastifyInstance {
    sessions: Sessions;
    previews: Previews;
    engine: EngineClient;
  }
}

export interface Deps {
  kv?: Kv;
  engine?: EngineClient;
  eventLog?: EventLog;
  /** Called with every route as it is registered (tests list them). */
  onRoute?: (route: RouteOptions) => void;
}

export async function buildApp(config: Config, deps: Deps = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...baseFastifyOptions(config),
    requestTimeout: config.requestTimeoutMs,
    // Fastify accepts a hop count at runtime (proxy-addr) though its types omit it.
    trustProxy: config.trustProxy as boolean | string,
  });

  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);
  app.setValidatorCompiler(validatorCompiler);
  installErrorHandling(app);

  // A plugin that refuses to start (a bad registry in production) must not leave connections open.
  try {
    await app.register(redisPlugin, { url: config.redisUrl, cluster: config.redisCluster, ...(deps.kv ? { kv: deps.kv } : {}) });
    await app.register(registryPlugin, { config });
    const tenants = app.tenants;
    await app.register(metricsPlugin, { config });
    await app.register(authPlugin, { config, tenants });
    await app.register(corsPlugin, { tenants });
    await app.register(limitsPlugin);
    await app.register(eventLogPlugin, { config, ...(deps.eventLog ? { log: deps.eventLog } : {}) });
    await app.register(streamsPlugin, { config });
    await app.register(drainPlugin);

    app.decorate('sessions', new Sessions(app.kv, config.sessionTtlS));
    app.decorate('previews', new Previews(app.kv, config.previewTtlS));
    const engine = deps.engine ?? createEngineClient(config, app.log);
    app.decorate('engine', engine);
    if (!deps.engine) app.addHook('onClose', async () => engine.close());
    await app.register(turnsPlugin, { config });
    await app.register(webhooksPlugin, { config });
    await app.register(leadsPlugin, { config });

    // Registered after every root hook and decorator, so each context inherits them all.
    await app.register(publicApi, { config });
    await app.register(adminPlugin, { config, prefix: ADMIN_PREFIX });
  } catch (e) {
    await app.close().catch(() => {});
    throw e;
  }
  return app;
}

/** Every public route, in one context whose swagger documents them (`/v1/openapi.json`, `/v1/docs`). */
async function publicApi(api: FastifyInstance, { config }: { config: Config }) {
  await documentPublicApi(api);
  await api.register(healthRoutes);
  await api.register(metricsRoutes, { config });
  await api.register(tokenRoutes, { config });
  await api.register(chatRoutes, { config });
  await api.register(sessionRoutes, { config });
  await api.register(streamRoutes, { config });
  await api.register(staticRoutes, { config });
  await servePublicDocs(api);
}
