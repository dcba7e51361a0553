/** Shared test setup: a config from env-like overrides, the real app, tokens of every kind. */
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from '../src/config.js';
import { buildApp, type Deps } from '../src/app.js';
import { loadTenants } from '../src/tenants.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const EXAMPLE_TENANTS = `${ROOT}gateway/tenants.example.json`;
export const JWT_SECRET = 'test-platform-secret-0123456789abcdef0123';
export const ACME_ORIGIN = 'http://localhost:3000';

export function testConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JWT_SECRET,
    ENGINE_KEY: 'test-engine-key',
    ENGINE_URL: 'http://127.0.0.1:9', // discard port: nothing listens
    TENANTS_FILE: EXAMPLE_TENANTS,
    ...env,
  }).config;
}

export async function testApp(env: Record<string, string | undefined> = {}, deps: Deps = {}) {
  const config = testConfig(env);
  const app = await buildApp(config, deps);
  await app.ready();
  return { app, config };
}

export const exampleTenants = () => loadTenants(EXAMPLE_TENANTS, { turnsPerMinute: 20, sessionsPerHour: 30, platformIssuer: 'chat-gateway' });

export const identitySecret = (tenantId: string) => exampleTenants().tenants.get(tenantId)!.identitySecret!;

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** A token built by hand, so tests can forge what no library would sign. */
export function handToken(header: object, payload: object, key: string | null): string {
  const head = `${b64(header)}.${b64(payload)}`;
  if (key === null) return `${head}.`;
  return `${head}.${createHmac('sha256', key).update(head).digest('base64url')}`;
}

export const now = () => Math.floor(Date.now() / 1000);

/** Claims a customer's backend would put in its own token. */
export function customerClaims(tid: string, site: string, sub: string, extra: object = {}) {
  return { iss: tid, aud: 'chat', sub, tid, site, iat: now(), exp: now() + 300, ...extra };
}

/** HS256 over exactly these claims (no library defaults added or removed). */
export function signHs256(payload: object, key: string): string {
  return handToken({ alg: 'HS256', typ: 'JWT' }, payload, key);
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
