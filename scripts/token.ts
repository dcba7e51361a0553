/**
 * `npm run token -- <siteKey> [--sub <visitor id>]`: print a visitor JWT for curl.
 * Signs with JWT_SECRET from the environment, else the dev secret `npm start` keeps in
 * .data/jwt-secret, using the gateway's own auth plugin (same claims, same TTL). Sites come from the
 * back office's registry when REDIS_URL is set, else from TENANTS_FILE.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { loadConfig } from '../gateway/src/config.js';
import { loadTenants } from '../gateway/src/tenants.js';
import authPlugin from '../gateway/src/plugins/auth.js';
import { openRegistry } from './lib/registry.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DEV_SECRET_FILE = `${process.env.DATA_DIR || `${ROOT}.data`}/jwt-secret`;

const args = process.argv.slice(2);
const siteKey = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--sub');
const subAt = args.indexOf('--sub');
const sub = subAt >= 0 ? args[subAt + 1] : undefined;
if (!siteKey) {
  console.error('usage: npm run token -- <siteKey> [--sub <visitor id>]   (e.g. pk_acme_web)');
  process.exit(2);
}

const secret = process.env.JWT_SECRET || (existsSync(DEV_SECRET_FILE) ? readFileSync(DEV_SECRET_FILE, 'utf8').trim() : '');
if (!secret) {
  console.error(`token: set JWT_SECRET (the gateway's) or run \`npm start\` once so that ${DEV_SECRET_FILE} exists`);
  process.exit(1);
}

try {
  const { config } = loadConfig({ ...process.env, JWT_SECRET: secret });
  // With REDIS_URL, the back office's live registry (sites made through the admin API); else the tenants file.
  const reg = config.redisUrl ? await openRegistry(config) : undefined;
  await reg?.close();
  const tenants =
    reg?.registry ??
    loadTenants(config.tenantsFile, {
      turnsPerMinute: config.rateTurnsPerMinute,
      sessionsPerHour: config.rateSessionsPerHour,
      platformIssuer: config.jwtIssuer,
    });
  const site = tenants.bySiteKey.get(siteKey);
  if (!site) throw new Error(`unknown site key "${siteKey}" (known: ${[...tenants.bySiteKey.keys()].join(', ')})`);
  const app = Fastify({ logger: false });
  await app.register(authPlugin, { config, tenants });
  await app.ready();
  process.stdout.write(`${app.mintVisitorToken(site, sub ? { sub, oiat: Math.floor(Date.now() / 1000) } : undefined).token}\n`);
  await app.close();
} catch (e) {
  console.error(`token: ${(e as Error).message}`);
  process.exit(1);
}
