/**
 * The session lifecycle the gateway owns: create, check ownership, record activity, close.
 * One Redis hash per session (`gw:session:{id}`) with a TTL refreshed on activity; the engine keeps
 * the conversation itself under the same id.
 */
import { randomBytes } from 'node:crypto';
import { AppError, SESSION_STATUSES, type SessionStatus, type VisitorContext } from '@chat/shared';
import type { Kv } from './plugins/redis.js';
import type { Visitor } from './plugins/auth.js';
import type { Site } from './tenants.js';
import type { ClaimOwner } from './turns/coordinator.js';

export interface SessionRecord {
  id: string;
  tenantId: string;
  /** '' for a console preview's session. */
  siteId: string;
  sub: string;
  /** Who signed the token that started it ('' on a record written before this was kept). */
  issuer: 'platform' | 'customer' | '';
  templateId: string;
  templateVersion: number;
  status: SessionStatus;
  createdAt: string;
  lastActivity: string;
  /** Where the visitor was (cleaned; see visitor-context.ts). */
  context: VisitorContext;
}

// The hash tag keeps a session's keys on one Redis Cluster slot (the event log's claim reads it too).
export const sessionKey = (id: string) => `gw:session:{${id}}`;
const key = sessionKey;

/** Who a session belongs to: tenant, visitor, site (a preview's sessions record none) and issuer. */
export function sessionOwner(visitor: Visitor): ClaimOwner {
  return { tenantId: visitor.tenantId, sub: visitor.sub, siteId: visitor.preview ? '' : visitor.siteId, issuer: visitor.issuer };
}

/** 128 random bits, URL-safe: 22 characters, inside the shared `^[A-Za-z0-9_-]{16,64}$`. */
export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

function parseContext(json: string | undefined): VisitorContext {
  try {
    return json ? (JSON.parse(json) as VisitorContext) : {};
  } catch {
    return {};
  }
}

function fromHash(id: string, h: Record<string, string>): SessionRecord | null {
  const status = h.status as SessionStatus;
  if (!h.tenantId || !h.sub || !(SESSION_STATUSES as readonly string[]).includes(status)) return null;
  return {
    id,
    tenantId: h.tenantId,
    siteId: h.siteId ?? '',
    sub: h.sub,
    issuer: h.issuer === 'platform' || h.issuer === 'customer' ? h.issuer : '',
    templateId: h.templateId ?? '',
    templateVersion: Number(h.templateVersion ?? 0),
    status,
    createdAt: h.createdAt ?? '',
    lastActivity: h.lastActivity ?? '',
    context: parseContext(h.context),
  };
}

/** Told about every change of a session (webhooks, idle tracking); its errors are its own to handle. */
export interface SessionListener {
  touched(id: string, status: SessionStatus | undefined): Promise<void>;
  closed(id: string, previous: SessionStatus | undefined): Promise<void>;
}

export class Sessions {
  private listener: SessionListener | undefined;

  constructor(
    private readonly kv: Kv,
    private readonly ttlS: number,
  ) {}

  observe(listener: SessionListener): void {
    this.listener = listener;
  }

  /** Any session by id, with no ownership check: for the gateway's own jobs, never for a visitor. */
  async get(id: string): Promise<SessionRecord | null> {
    const h = await this.kv.hashGetAll(key(id));
    return h ? fromHash(id, h) : null;
  }

  async create(id: string, visitor: Visitor, site: Site, context: VisitorContext = {}): Promise<SessionRecord> {
    const now = new Date().toISOString();
    const rec: SessionRecord = {
      id,
      tenantId: visitor.tenantId,
      siteId: site.id,
      sub: visitor.sub,
      issuer: visitor.issuer,
      templateId: site.template.id,
      templateVersion: site.template.version,
      status: 'collecting',
      createdAt: now,
      lastActivity: now,
      context,
    };
    const { id: _id, ...fields } = rec;
    await this.kv.hashSet(key(id), { ...fields, templateVersion: String(rec.templateVersion), context: JSON.stringify(context) }, this.ttlS);
    await this.listener?.touched(id, rec.status);
    return rec;
  }

  /**
   * The visitor's own session, or 404 session_not_found: another tenant's, site's, issuer's or
   * visitor's session answers exactly like a missing one, so ids cannot be probed.
   */
  async own(id: string, visitor: Visitor): Promise<SessionRecord> {
    const h = await this.kv.hashGetAll(key(id));
    const rec = h ? fromHash(id, h) : null;
    const o = sessionOwner(visitor);
    if (!rec || rec.tenantId !== o.tenantId || rec.sub !== o.sub || rec.siteId !== o.siteId || (rec.issuer !== '' && rec.issuer !== o.issuer))
      throw new AppError('session_not_found');
    return rec;
  }

  /** Record a turn's outcome; never recreates a session that expired meanwhile. */
  async touch(id: string, status?: SessionStatus): Promise<void> {
    const fields: Record<string, string> = { lastActivity: new Date().toISOString() };
    if (status) fields.status = status;
    if ((await this.kv.hashSet(key(id), fields, this.ttlS, true)) && this.listener) await this.listener.touched(id, status);
  }

  /** Forget the session's record (erasure); the caller erases its log and the engine's state. */
  async erase(id: string): Promise<void> {
    await this.kv.del(key(id));
  }

  async close(id: string): Promise<void> {
    const before = this.listener ? await this.get(id) : null;
    const fields = { lastActivity: new Date().toISOString(), status: 'closed' };
    if ((await this.kv.hashSet(key(id), fields, this.ttlS, true)) && this.listener) await this.listener.closed(id, before?.status);
  }
}
