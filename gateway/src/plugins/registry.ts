/**
 * The back office's registry for this gateway: tenants, sites, templates, webhooks and keys from
 * Redis (or this process, without REDIS_URL), kept live (see admin/registry.ts). A registry that is
 * empty at start is seeded from TENANTS_FILE, so a fresh deployment (and `npm start`) has its tenants.
 */
import fp from 'fastify-plugin';
import { readFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import type { RedisConnection } from '@chat/shared/server';
import { newRedisClient } from '../redis-client.js';
import { TenantsError, type TenantDefaults } from '../tenants.js';
import { checkProductionRegistry, isExampleTenantsFile } from '../production.js';
import { Registry } from '../admin/registry.js';
import { BackOffice } from '../admin/back-office.js';
import { memoryRegistryStore, redisRegistryStore, REGISTRY_SCRIPTS, type RegistryRedis } from '../admin/store.js';

declare module 'fastify' {
  interface FastifyInstance {
    tenants: Registry;
    backOffice: BackOffice;
  }
}

/** Read and import a tenants file; errors name the file and the key path. */
export async function importTenantsFile(backOffice: BackOffice, file: string, production = false) {
  let json: unknown;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
    json = JSON.parse(text);
  } catch (e) {
    throw new TenantsError(file, `cannot read it as JSON: ${(e as Error).message}`);
  }
  if (production && isExampleTenantsFile(file, text))
    throw new TenantsError(
      file,
      'is the example tenants file (gateway/tenants.example.json): refused when NODE_ENV=production; name your own, or none and create tenants with the admin API',
    );
  return backOffice.importFile(json);
}

export default fp<{ config: Config }>(
  async (app, { config }) => {
    const defaults: TenantDefaults = {
      turnsPerMinute: config.rateTurnsPerMinute,
      sessionsPerHour: config.rateSessionsPerHour,
      platformIssuer: config.jwtIssuer,
    };
    let store;
    let client: (RegistryRedis & RedisConnection) | undefined;
    if (config.redisUrl) {
      client = newRedisClient(config.redisUrl, config.redisCluster, REGISTRY_SCRIPTS);
      client!.on('error', (e) => app.log.error({ err: e }, 'registry redis error'));
      await client!.connect();
      store = redisRegistryStore(client!, { auditMax: config.auditMaxEntries, onError: (e) => app.log.error({ err: e }, 'registry subscriber error') });
    } else {
      store = memoryRegistryStore({ auditMax: config.auditMaxEntries });
    }
    const registry = new Registry(store, defaults, {
      pollMs: config.registryPollMs,
      onError: (e) => app.log.warn({ err: e }, 'registry reload failed: serving the last good copy'),
    });
    await registry.start();
    const production = config.env === 'production';
    const backOffice = new BackOffice(store, registry, defaults, { refuseDevOrigins: production });
    try {
      if (registry.isEmpty && config.tenantsFile) {
        const r = await importTenantsFile(backOffice, config.tenantsFile, production);
        app.log.info({ file: config.tenantsFile, tenants: r.tenants }, 'registry was empty: imported TENANTS_FILE');
      }
      // Production starts on no development material, seeded now or stored before.
      if (production) checkProductionRegistry(registry);
    } catch (e) {
      await registry.close();
      if (client?.isOpen) await client.close();
      throw e;
    }
    app.decorate('tenants', registry);
    app.decorate('backOffice', backOffice);
    app.addHook('onClose', async () => {
      await registry.close();
      if (client?.isOpen) await client.close();
    });
  },
  { name: 'registry' },
);
