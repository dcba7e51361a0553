/**
 * `npm run tenants -- import FILE`: upsert a tenants file (the format of gateway/tenants.example.json)
 * into the back office's registry in Redis (REDIS_URL). Idempotent: a second run changes nothing;
 * an edited template becomes a new version. Every running gateway picks the change up within a second.
 * (A gateway whose registry is empty imports TENANTS_FILE by itself at start.)
 */
import { loadConfig } from '../gateway/src/config.js';
import { importTenantsFile } from '../gateway/src/plugins/registry.js';
import { openRegistry } from './lib/registry.js';

const [command, file] = process.argv.slice(2);
if (command !== 'import' || !file) {
  console.error('usage: npm run tenants -- import FILE   (REDIS_URL names the Redis the gateways use)');
  process.exit(2);
}
if (!process.env.REDIS_URL) {
  console.error('tenants: REDIS_URL is required (the registry lives in Redis)');
  process.exit(2);
}

let close: (() => Promise<unknown>) | undefined;
try {
  const { config } = loadConfig({ ...process.env, JWT_SECRET: process.env.JWT_SECRET || 'x'.repeat(32), LOG_LEVEL: 'silent' });
  const reg = await openRegistry(config);
  close = reg.close;
  const r = await importTenantsFile(reg.backOffice, file);
  console.log(`tenants: ${r.tenants} in ${file}; changed: ${r.changed.length ? r.changed.join(', ') : 'none'}`);
} catch (e) {
  console.error(`tenants: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await close?.();
}
