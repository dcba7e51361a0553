/**
 * The `webhook` block of a tenant: checked at start-up, errors name the key path. Also the secret
 * helpers the admin API uses: a new secret, a rotation, and which secrets sign right now.
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { EVENT_TYPES, type EventType } from './outbox.js';
import { isPrivateAddress } from './ssrf.js';
import { SECRET_PREFIX, secretBytes } from './signature.js';

export interface WebhookSecret {
  secret: string;
  /** ms epoch; absent on the current secret. A rotated-out secret keeps signing until then. */
  expiresAt?: number;
}

export interface WebhookConfig {
  url: string;
  /** The first is current; later ones were rotated out and sign alongside it until their `expiresAt`. */
  secrets: WebhookSecret[];
  /** Lets the URL resolve to loopback/private/link-local addresses (tests, on-premise receivers). */
  allowPrivateNetwork: boolean;
  events: EventType[];
}

/** How long a rotated-out secret keeps signing, so receivers can switch without a gap. */
export const ROTATION_GRACE_MS = 24 * 3600 * 1000;

/**
 * What a tenant gets when it names no events. `session.updated` is opt-in: a receiver written for
 * completions and abandons should not start getting a third type it never asked for.
 */
export const DEFAULT_EVENTS: readonly EventType[] = ['session.completed', 'session.abandoned'];

/** The secrets that sign a delivery made at `now`: the current one, plus rotated-out ones not yet expired. */
export function liveSecrets(cfg: Pick<WebhookConfig, 'secrets'>, now: number = Date.now()): string[] {
  return cfg.secrets.filter((s, i) => i === 0 || s.expiresAt === undefined || s.expiresAt > now).map((s) => s.secret);
}

/** `whsec_` + base64 of 32 random bytes: passes the tenants file's format and length checks. */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/**
 * A rotation: a new current secret, and the old current one signing alongside for `graceMs`.
 * At most two secrets: one rotated out before (still in its grace period) is dropped.
 */
export function rotateWebhookSecret(
  secrets: WebhookSecret[],
  now: number = Date.now(),
  graceMs: number = ROTATION_GRACE_MS,
): { secret: string; secrets: WebhookSecret[] } {
  const secret = newWebhookSecret();
  const previous = secrets[0];
  return { secret, secrets: previous ? [{ secret }, { secret: previous.secret, expiresAt: now + graceMs }] : [{ secret }] };
}

/** Why a webhook URL is malformed (not absolute http(s), or carries credentials); null when it is fine. */
export function urlFormProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `must be an absolute http(s) URL, got "${raw}"`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  if (url.username || url.password) return 'must not carry credentials';
  return null;
}

const KEYS = new Set(['url', 'secrets', 'allowPrivateNetwork', 'events']);
const SECRET = /^whsec_[A-Za-z0-9+/]+={0,2}$/;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The tenants file's `webhook`. `secrets` is one or two strings (two while rotating; neither
 * expires, the file's author removes the old one); the stored form `{secret, expiresAt?}` is
 * accepted too, so a config written back from the admin API parses.
 */
export function parseWebhook(v: unknown, path: string, fail: (path: string, problem: string) => Error): WebhookConfig {
  if (!isObj(v)) throw fail(path, 'must be an object');
  for (const k of Object.keys(v)) if (!KEYS.has(k)) throw fail(`${path}.${k}`, 'unknown key');
  if (typeof v.url !== 'string') throw fail(`${path}.url`, 'must be a string');
  const problem = urlFormProblem(v.url);
  if (problem) throw fail(`${path}.url`, problem);
  if (v.allowPrivateNetwork !== undefined && typeof v.allowPrivateNetwork !== 'boolean') throw fail(`${path}.allowPrivateNetwork`, 'must be true or false');
  const allowPrivateNetwork = v.allowPrivateNetwork === true;
  // A literal internal address is refused here already; names are checked at each delivery.
  const host = new URL(v.url).hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivateNetwork && isIP(host) && isPrivateAddress(host))
    throw fail(`${path}.url`, `points at an internal address (${host}); set allowPrivateNetwork to allow it`);

  if (!Array.isArray(v.secrets) || v.secrets.length < 1 || v.secrets.length > 2)
    throw fail(`${path}.secrets`, 'must be an array of one or two secrets (two while rotating)');
  const secrets = v.secrets.map((s: unknown, i: number): WebhookSecret => {
    const p = `${path}.secrets[${i}]`;
    let secret: unknown = s;
    let expiresAt: number | undefined;
    if (isObj(s)) {
      for (const k of Object.keys(s)) if (k !== 'secret' && k !== 'expiresAt') throw fail(`${p}.${k}`, 'unknown key');
      if (s.expiresAt !== undefined) {
        if (typeof s.expiresAt !== 'number' || !Number.isSafeInteger(s.expiresAt) || s.expiresAt < 0)
          throw fail(`${p}.expiresAt`, 'must be a time in ms since the epoch');
        if (i === 0) throw fail(`${p}.expiresAt`, 'the current (first) secret does not expire');
        expiresAt = s.expiresAt;
      }
      secret = s.secret;
    }
    if (typeof secret !== 'string' || !SECRET.test(secret)) throw fail(p, `must be "${SECRET_PREFIX}" followed by base64`);
    const n = secretBytes(secret).length;
    if (n < 24 || n > 64) throw fail(p, `must decode to 24-64 bytes, got ${n}`);
    return expiresAt === undefined ? { secret } : { secret, expiresAt };
  });

  let events: EventType[] = [...DEFAULT_EVENTS];
  if (v.events !== undefined) {
    if (!Array.isArray(v.events) || v.events.length === 0) throw fail(`${path}.events`, 'must be a non-empty array');
    events = v.events.map((e: unknown, i: number) => {
      if (!(EVENT_TYPES as readonly unknown[]).includes(e)) throw fail(`${path}.events[${i}]`, `must be one of ${EVENT_TYPES.join(', ')}`);
      return e as EventType;
    });
  }
  return { url: v.url, secrets, allowPrivateNetwork, events };
}
