/** The `webhook` block of a tenant: checked at start-up, errors name the key path. */
import { isIP } from 'node:net';
import { EVENT_TYPES, type EventType } from './outbox.js';
import { isPrivateAddress } from './ssrf.js';
import { SECRET_PREFIX, secretBytes } from './signature.js';

export interface WebhookConfig {
  url: string;
  /** One secret, or two during a rotation: every delivery is signed with each. */
  secrets: string[];
  /** Lets the URL resolve to loopback/private/link-local addresses (tests, on-premise receivers). */
  allowPrivateNetwork: boolean;
  events: EventType[];
}

const KEYS = new Set(['url', 'secrets', 'allowPrivateNetwork', 'events']);
const SECRET = /^whsec_[A-Za-z0-9+/]+={0,2}$/;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseWebhook(v: unknown, path: string, fail: (path: string, problem: string) => Error): WebhookConfig {
  if (!isObj(v)) throw fail(path, 'must be an object');
  for (const k of Object.keys(v)) if (!KEYS.has(k)) throw fail(`${path}.${k}`, 'unknown key');
  if (typeof v.url !== 'string') throw fail(`${path}.url`, 'must be a string');
  let url: URL;
  try {
    url = new URL(v.url);
  } catch {
    throw fail(`${path}.url`, `must be an absolute http(s) URL, got "${v.url}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail(`${path}.url`, 'must use http or https');
  if (url.username || url.password) throw fail(`${path}.url`, 'must not carry credentials');
  if (v.allowPrivateNetwork !== undefined && typeof v.allowPrivateNetwork !== 'boolean')
    throw fail(`${path}.allowPrivateNetwork`, 'must be true or false');
  const allowPrivateNetwork = v.allowPrivateNetwork === true;
  // A literal internal address is refused here already; names are checked at each delivery.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivateNetwork && isIP(host) && isPrivateAddress(host))
    throw fail(`${path}.url`, `points at an internal address (${host}); set allowPrivateNetwork to allow it`);

  if (!Array.isArray(v.secrets) || v.secrets.length < 1 || v.secrets.length > 2)
    throw fail(`${path}.secrets`, 'must be an array of one or two secrets (two while rotating)');
  const secrets = v.secrets.map((s: unknown, i: number) => {
    if (typeof s !== 'string' || !SECRET.test(s)) throw fail(`${path}.secrets[${i}]`, `must be "${SECRET_PREFIX}" followed by base64`);
    const n = secretBytes(s).length;
    if (n < 24 || n > 64) throw fail(`${path}.secrets[${i}]`, `must decode to 24-64 bytes, got ${n}`);
    return s;
  });

  let events: EventType[] = [...EVENT_TYPES];
  if (v.events !== undefined) {
    if (!Array.isArray(v.events) || v.events.length === 0) throw fail(`${path}.events`, 'must be a non-empty array');
    events = v.events.map((e: unknown, i: number) => {
      if (!(EVENT_TYPES as readonly unknown[]).includes(e)) throw fail(`${path}.events[${i}]`, `must be one of ${EVENT_TYPES.join(', ')}`);
      return e as EventType;
    });
  }
  return { url: v.url, secrets, allowPrivateNetwork, events };
}
