/** Real processes for tests that cross one: tenants files, gateways, tokens over HTTP. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type ServiceProcess } from '../../scripts/testkit/index.js';
import { ACME_ORIGIN, EXAMPLE_TENANTS, JWT_SECRET } from './helpers.js';

export const ENGINE_KEY = 'engine-test-key-0123456789abcdef';

/** The example tenants, edited, written to a temp file for a gateway process. */
export function tenantsFile(edit: (doc: any) => void = () => {}): string {
  const doc = JSON.parse(readFileSync(EXAMPLE_TENANTS, 'utf8'));
  edit(doc);
  const file = join(mkdtempSync(join(tmpdir(), 'gw-tenants-')), 'tenants.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

export function startGateway(env: Record<string, string | undefined>): Promise<ServiceProcess> {
  return startService('gateway', { env: { JWT_SECRET, ENGINE_KEY, LOG_LEVEL: 'info', ...env } });
}

export async function fetchToken(gatewayUrl: string, siteKey = 'pk_acme_web', origin = ACME_ORIGIN): Promise<string> {
  const res = await fetch(`${gatewayUrl}/v1/token`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ siteKey }),
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export function postChat(gatewayUrl: string, token: string, body: object, signal?: AbortSignal): Promise<Response> {
  return fetch(`${gatewayUrl}/v1/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}
