/**
 * The back office's contract (`/admin/v1`): what the admin API takes and gives, each JSON Schema
 * paired with its type. The gateway validates with these schemas and documents them (OpenAPI);
 * the console reads the types.
 */
import { templateSchema, type Template } from './template.js';
import { transcriptEntrySchema, type ContextValue, type TranscriptEntry, type VisitorContext } from './requests.js';

/** Ids of tenants, sites and keys: lower-case, URL-safe, short. */
export const ADMIN_ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';
const id = { type: 'string', pattern: ADMIN_ID_PATTERN } as const;
/** Timestamps in answers: ISO 8601 strings. */
const at = { type: 'string', format: 'date-time' } as const;
const strings = { type: 'array', items: { type: 'string' } } as const;

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

export const tenantViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'limits', 'sites', 'templates', 'keys', 'webhook', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    limits: {
      type: 'object',
      additionalProperties: false,
      required: ['turnsPerMinute', 'sessionsPerHour'],
      description: "The limits in force (the platform's defaults where the tenant sets none).",
      properties: { turnsPerMinute: { type: 'integer' }, sessionsPerHour: { type: 'integer' } },
    },
    sites: { ...strings, description: 'Site ids.' },
    templates: { ...strings, description: 'Template ids.' },
    keys: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['id', 'createdAt'], properties: { id: { type: 'string' }, createdAt: at } },
    },
    webhook: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['url', 'events'],
      properties: { url: { type: 'string' }, events: { type: 'array', items: { type: 'string', enum: [...WEBHOOK_EVENT_TYPES] } } },
    },
    createdAt: at,
    updatedAt: at,
  },
} as const;

/** The one time a key is seen whole: it is stored only as a hash. */
export interface KeyCreated {
  id: string;
  key: string;
}

export const keyCreatedSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'key'],
  properties: {
    id: { type: 'string', pattern: '^key_[0-9a-f]{12}$' },
    key: { type: 'string', description: 'The tenant key (`sk_…`), shown this once: only its hash is stored.' },
  },
} as const;

/** `PUT …/templates/:templateId`: a template without `id` and `version`, which the server assigns. */
export const templateBodySchema = {
  type: 'object',
  description: 'A template (the `Template` schema) without `id` and `version`; checked against the meta-schema on save, errors naming their path.',
} as const;
export type TemplateBody = Omit<Template, 'id' | 'version'>;

export interface TemplateSaved {
  id: string;
  version: number;
}

export const templateSavedSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'version'],
  properties: { id: { type: 'string' }, version: { type: 'integer', minimum: 1 } },
} as const;

export interface TemplateSummary {
  id: string;
  latestVersion: number;
  updatedAt: string;
}

export const templateSummarySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'latestVersion', 'updatedAt'],
  properties: { id: { type: 'string' }, latestVersion: { type: 'integer', minimum: 1 }, updatedAt: at },
} as const;

/** `GET …/templates/:templateId`: a stored version, exactly as the template meta-schema allows (without its `$id`). */
const { $id: _templateId, ...templateViewSchema } = templateSchema;
export { templateViewSchema };

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

export const siteViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'siteKey', 'origins', 'template', 'allowedContext', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    siteKey: { type: 'string', description: 'The public key the widget names (`site-key`).' },
    origins: strings,
    template: { type: 'string', description: 'The id of the template new sessions of this site use (its latest version).' },
    allowedContext: strings,
    createdAt: at,
    updatedAt: at,
  },
} as const;

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

export const webhookViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'events'],
  properties: {
    url: { type: 'string' },
    events: { type: 'array', items: { type: 'string', enum: [...WEBHOOK_EVENT_TYPES] } },
    secret: { type: 'string', description: 'The signing secret (`whsec_…`), only in the answers that make one (first save, rotation).' },
  },
} as const;

export interface WebhookTestResult {
  delivered: boolean;
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  error?: string;
}

export const webhookTestResultSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['delivered'],
  properties: {
    delivered: { type: 'boolean' },
    status: { type: 'integer', description: "The receiver's HTTP status, when it answered." },
    error: { type: 'string' },
  },
} as const;

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

export const deliveryViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type', 'status', 'attempts', 'createdAt'],
  properties: {
    id: { type: 'string' },
    type: { type: 'string', enum: [...WEBHOOK_EVENT_TYPES, 'ping'] },
    sessionId: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'delivered', 'failed', 'disabled', 'refused'] },
    attempts: { type: 'integer', minimum: 0 },
    lastStatus: { type: 'integer', description: "The receiver's HTTP status at the last attempt." },
    lastError: { type: 'string' },
    lastAttemptAt: at,
    nextAttemptAt: { ...at, description: 'When the next attempt is due, while pending.' },
    createdAt: at,
  },
} as const;

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

const scalar = { type: ['string', 'number', 'boolean'] } as const;

export const submissionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'sessionId', 'tenantId', 'siteId', 'templateId', 'templateVersion', 'status', 'data', 'context', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string', pattern: '^sub_[A-Za-z0-9_-]{10,64}$' },
    sessionId: { type: 'string' },
    tenantId: { type: 'string' },
    siteId: { type: 'string' },
    templateId: { type: 'string' },
    templateVersion: { type: 'integer', minimum: 1 },
    status: { type: 'string', enum: [...SUBMISSION_STATUSES] },
    data: { type: 'object', additionalProperties: true, description: 'The values collected, by field name.' },
    context: {
      type: 'object',
      additionalProperties: false,
      description: 'Where the visitor was (cleaned by the gateway).',
      properties: {
        url: { type: 'string' },
        referrer: { type: 'string' },
        language: { type: 'string' },
        attributes: { type: 'object', additionalProperties: scalar },
      },
    },
    createdAt: at,
    completedAt: at,
    updatedAt: at,
  },
} as const;

export interface SubmissionDetail extends Submission {
  /** With `?transcript=1`, while the session still exists. */
  transcript?: TranscriptEntry[];
}

export const submissionDetailSchema = {
  ...submissionSchema,
  properties: {
    ...submissionSchema.properties,
    transcript: { type: 'array', items: transcriptEntrySchema, description: 'With `?transcript=1`, while the session still exists.' },
  },
} as const;

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

export const submissionPageSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['items', 'next'],
  properties: {
    items: { type: 'array', items: submissionSchema },
    next: { type: ['string', 'null'], description: 'Pass as `cursor` for the next page; null on the last.' },
  },
} as const;

export interface AuditEntry {
  id: string;
  /** `admin` for the platform key, else the tenant key's id. */
  actor: string;
  action: string;
  target: string;
  at: string;
}

export const auditEntrySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'actor', 'action', 'target', 'at'],
  properties: {
    id: { type: 'string' },
    actor: { type: 'string', description: "`admin` for the platform key, else the tenant key's id." },
    action: { type: 'string', description: 'e.g. `tenant.create`, `template.publish`, `submission.erase`.' },
    target: { type: 'string', description: 'e.g. `site:web`, `template:lead@3`.' },
    at,
  },
} as const;

export type { ContextValue };
