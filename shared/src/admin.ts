/**
 * The back office's contract (`/admin/v1`): what the admin API takes and gives, each JSON Schema
 * paired with its type. The gateway validates with these schemas and documents them (OpenAPI);
 * the console reads the types.
 */
import type { Template } from './template.js';
import type { ContextValue, TranscriptEntry, VisitorContext } from './requests.js';

/** Ids of tenants, sites and keys: lower-case, URL-safe, short. */
export const ADMIN_ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';
const id = { type: 'string', pattern: ADMIN_ID_PATTERN } as const;

export const WEBHOOK_EVENT_TYPES = ['session.completed', 'session.updated', 'session.abandoned'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface TenantLimitsInput {
  turnsPerMinute?: number;
  sessionsPerHour?: number;
}

const limitsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    turnsPerMinute: { type: 'integer', minimum: 1, maximum: 100000 },
    sessionsPerHour: { type: 'integer', minimum: 1, maximum: 100000 },
  },
} as const;

export const tenantCreateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name'],
  properties: { id, name: { type: 'string', minLength: 1, maxLength: 200 }, limits: limitsSchema },
} as const;
export interface TenantCreate {
  id: string;
  name: string;
  limits?: TenantLimitsInput;
}

export const tenantPatchSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, limits: limitsSchema },
} as const;
export interface TenantPatch {
  name?: string;
  limits?: TenantLimitsInput;
}

export interface TenantView {
  id: string;
  name: string;
  /** The limits in force (the platform's defaults where the tenant sets none). */
  limits: { turnsPerMinute: number; sessionsPerHour: number };
  sites: string[];
  templates: string[];
  keys: Array<{ id: string; createdAt: string }>;
  webhook: { url: string; events: WebhookEventType[] } | null;
  createdAt: string;
  updatedAt: string;
}

/** The one time a key is seen whole: it is stored only as a hash. */
export interface KeyCreated {
  id: string;
  key: string;
}

/** `PUT …/templates/:templateId`: a template without `id` and `version`, which the server assigns. */
export const templateBodySchema = { type: 'object' } as const;
export type TemplateBody = Omit<Template, 'id' | 'version'>;

export interface TemplateSaved {
  id: string;
  version: number;
}

export interface TemplateSummary {
  id: string;
  latestVersion: number;
  updatedAt: string;
}

/** Exact browser origins: scheme, host, optional port. */
const originsSchema = { type: 'array', minItems: 1, maxItems: 50, items: { type: 'string', maxLength: 300 } } as const;
/** Keys of the widget's `context` attribute this site accepts (others are dropped). */
const allowedContextSchema = {
  type: 'array',
  maxItems: 32,
  uniqueItems: true,
  items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
} as const;

export const siteCreateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'origins', 'template'],
  properties: { id, origins: originsSchema, template: { type: 'string', minLength: 1, maxLength: 64 }, allowedContext: allowedContextSchema },
} as const;
export interface SiteCreate {
  id: string;
  origins: string[];
  template: string;
  allowedContext?: string[];
}

export const sitePatchSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { origins: originsSchema, template: { type: 'string', minLength: 1, maxLength: 64 }, allowedContext: allowedContextSchema },
} as const;
export type SitePatch = Partial<Omit<SiteCreate, 'id'>>;

export interface SiteView {
  id: string;
  siteKey: string;
  origins: string[];
  template: string;
  allowedContext: string[];
  createdAt: string;
  updatedAt: string;
}

export const webhookPutSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    url: { type: 'string', minLength: 1, maxLength: 2048 },
    events: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...WEBHOOK_EVENT_TYPES] } },
  },
} as const;
export interface WebhookPut {
  url: string;
  events?: WebhookEventType[];
}

/** `secret` appears only in the answers that create one (save, rotate). */
export interface WebhookView {
  url: string;
  events: WebhookEventType[];
  secret?: string;
}

export interface WebhookTestResult {
  delivered: boolean;
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  error?: string;
}

export interface DeliveryView {
  id: string;
  type: WebhookEventType | 'ping';
  sessionId?: string;
  status: 'pending' | 'delivered' | 'failed' | 'disabled' | 'refused';
  attempts: number;
  lastStatus?: number;
  lastError?: string;
  lastAttemptAt?: string;
  /** When the next attempt is due, while pending. */
  nextAttemptAt?: string;
  createdAt: string;
}

export const SUBMISSION_STATUSES = ['complete', 'abandoned'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

/** A lead: one session's collected data and where it came from. */
export interface Submission {
  id: string;
  sessionId: string;
  tenantId: string;
  siteId: string;
  templateId: string;
  templateVersion: number;
  status: SubmissionStatus;
  data: Record<string, unknown>;
  context: VisitorContext;
  createdAt: string;
  completedAt?: string;
  updatedAt: string;
}

export interface SubmissionDetail extends Submission {
  /** With `?transcript=1`, while the session still exists. */
  transcript?: TranscriptEntry[];
}

export const submissionListQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { enum: [...SUBMISSION_STATUSES] },
    site: id,
    since: { type: 'string', format: 'date-time' },
    until: { type: 'string', format: 'date-time' },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    cursor: { type: 'string', maxLength: 200 },
  },
} as const;
export interface SubmissionListQuery {
  status?: SubmissionStatus;
  site?: string;
  since?: string;
  until?: string;
  limit?: number;
  cursor?: string;
}

export interface SubmissionPage {
  items: Submission[];
  /** Pass as `cursor` for the next page; null on the last. */
  next: string | null;
}

export interface AuditEntry {
  id: string;
  /** `admin` for the platform key, else the tenant key's id. */
  actor: string;
  action: string;
  target: string;
  at: string;
}

export type { ContextValue };
