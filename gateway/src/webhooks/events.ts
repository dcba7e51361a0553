/**
 * The body of a webhook event: what the receiver needs to file the session, nothing more.
 * `session.updated` carries the full data as it is now (not a diff): the newest one wins.
 */
import type { VisitorContext } from '@chat/shared';
import type { SessionRecord } from '../sessions.js';
import type { EventType } from './outbox.js';

export interface WebhookEvent {
  type: EventType;
  /** When the event happened (ISO 8601); `webhook-timestamp` is when the attempt was made. */
  timestamp: string;
  data: {
    sessionId: string;
    tenantId: string;
    siteId: string;
    templateId: string;
    templateVersion: number;
    status: 'complete' | 'incomplete';
    data: Record<string, unknown>;
    /** Where the visitor was (page, referrer origin, language, the site's allowed attributes). */
    context: VisitorContext;
    /** The lead in the back office (GET /admin/v1/tenants/:tid/submissions/:id). */
    submissionId?: string;
  };
}

export function buildEvent(rec: SessionRecord, type: EventType, collected: Record<string, unknown>, submissionId?: string): WebhookEvent {
  return {
    type,
    timestamp: new Date().toISOString(),
    data: {
      sessionId: rec.id,
      tenantId: rec.tenantId,
      siteId: rec.siteId,
      templateId: rec.templateId,
      templateVersion: rec.templateVersion,
      // `session.updated` follows a completion: the data of a complete session changed.
      status: type === 'session.abandoned' ? 'incomplete' : 'complete',
      data: collected,
      context: rec.context,
      ...(submissionId ? { submissionId } : {}),
    },
  };
}
