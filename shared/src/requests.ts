/**
 * Request bodies that cross a boundary, each a JSON Schema paired with its static type.
 * Unknown properties are refused (additionalProperties: false) rather than dropped.
 */
import type { Template } from './template.js';
import { SESSION_STATUSES } from './events.js';

/** A message id: the client's idempotency key for a turn. */
export const messageSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'text'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' },
    // The length ceiling is MAX_MESSAGE_CHARS, checked by the service to answer 413.
    text: { type: 'string', minLength: 1 },
  },
} as const;

export interface ChatMessage {
  id: string;
  text: string;
}

/** Gateway → engine: one turn of a session. */
export const turnRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['message'],
  properties: {
    message: messageSchema,
    // Checked against the template meta-schema by the engine so errors name the bad path.
    template: { type: 'object' },
    context: {
      type: 'object',
      maxProperties: 20,
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
      additionalProperties: { type: ['string', 'number', 'boolean'] },
    },
  },
} as const;

/** A value of the visitor context: scalars only, so it can be shown, filtered and exported. */
export type ContextValue = string | number | boolean;

/**
 * Where the visitor is, sent by the widget with a session's first turn. The gateway caps and
 * cleans it (page URL: origin and path, only `utm_*` query keys; referrer: its origin; the
 * `attributes` keys the site allows) and stores it with the session and its lead.
 */
export const visitorContextSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    url: { type: 'string', maxLength: 2048 },
    referrer: { type: 'string', maxLength: 2048 },
    language: { type: 'string', maxLength: 35 },
    attributes: {
      type: 'object',
      maxProperties: 32,
      additionalProperties: { type: ['string', 'number', 'boolean'] },
    },
  },
} as const;

export interface VisitorContext {
  url?: string;
  referrer?: string;
  language?: string;
  /** The site's `context` attribute on `<chat-widget>`: a flat JSON object (≤ 1 KB). */
  attributes?: Record<string, ContextValue>;
}

export interface TurnRequest {
  message: ChatMessage;
  template?: Template;
  /** First turn only: the visitor-context values the template's `contextKeys` let the model see. */
  context?: Record<string, ContextValue>;
}

/** Browser → gateway: one chat turn. */
export const chatRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['message'],
  properties: {
    sessionId: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,64}$' },
    message: messageSchema,
    context: visitorContextSchema,
  },
} as const;

export interface ChatRequest {
  sessionId?: string;
  message: ChatMessage;
  /** Read on a session's first turn only. */
  context?: VisitorContext;
}

/** Browser → gateway: a visitor token for a site. */
export const tokenRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['siteKey'],
  properties: {
    siteKey: { type: 'string', minLength: 1, maxLength: 128 },
  },
} as const;

export interface TokenRequest {
  siteKey: string;
}

export interface TokenResponse {
  token: string;
  /** ISO 8601 */
  expiresAt: string;
  /** The gateway's MAX_MESSAGE_CHARS: the widget's composer accepts no longer message. */
  maxMessageChars?: number;
}

export const tokenResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['token', 'expiresAt'],
  properties: {
    token: { type: 'string', description: 'A short-lived visitor JWT: send it as `Authorization: Bearer <token>`.' },
    expiresAt: { type: 'string', format: 'date-time' },
    maxMessageChars: {
      type: 'integer',
      minimum: 1,
      description: 'The longest message `POST /v1/chat` accepts (MAX_MESSAGE_CHARS); longer ones are refused with 413 `message_too_long`.',
    },
  },
} as const;

/** Session ids are path parameters on both services. */
export const sessionParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,64}$' } },
} as const;

export interface TranscriptEntry {
  role: 'user' | 'assistant';
  text: string;
  /** Message id for user entries. */
  id?: string;
  at: string;
}

export const transcriptEntrySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['role', 'text', 'at'],
  properties: {
    role: { type: 'string', enum: ['user', 'assistant'] },
    text: { type: 'string' },
    id: { type: 'string', description: 'The message id (user entries).' },
    at: { type: 'string', format: 'date-time' },
  },
} as const;

/** `GET /v1/sessions/:id` on either service. */
export interface SessionView {
  status: import('./events.js').SessionStatus;
  data: Record<string, unknown>;
  missing: string[];
  invalid: import('./events.js').InvalidField[];
  transcript: TranscriptEntry[];
  /** Paging (the gateway's GET session): index of the first entry in `transcript`; 0 when none is earlier. */
  transcriptStart?: number;
  /** Paging: entries in the whole transcript. */
  transcriptTotal?: number;
  /** The template's field names and descriptions, so a resumed widget can draw progress. */
  fields?: Array<{ name: string; description?: string; required: boolean }>;
}

export const sessionViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'data', 'missing', 'invalid', 'transcript'],
  properties: {
    status: { type: 'string', enum: [...SESSION_STATUSES] },
    data: { type: 'object', additionalProperties: true, description: 'The values collected so far, by field name.' },
    missing: { type: 'array', items: { type: 'string' }, description: 'Required fields still without a value.' },
    invalid: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
    transcript: { type: 'array', items: transcriptEntrySchema },
    transcriptStart: {
      type: 'integer',
      minimum: 0,
      description: 'Paging: the index of the first entry in `transcript` (pass it as `before` for the earlier ones; 0: none earlier).',
    },
    transcriptTotal: { type: 'integer', minimum: 0, description: 'Paging: entries in the whole transcript.' },
    fields: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'required'],
        properties: { name: { type: 'string' }, description: { type: 'string' }, required: { type: 'boolean' } },
      },
    },
  },
} as const;

export interface CloseResponse {
  status: 'closed';
  data: Record<string, unknown>;
}

export const closeResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'data'],
  properties: {
    status: { type: 'string', enum: ['closed'] },
    data: { type: 'object', additionalProperties: true, description: 'The values collected, by field name.' },
  },
} as const;

/** `POST /v1/sessions/:id/stop`: whether a running turn was found to stop. */
export interface StopResponse {
  stopped: boolean;
}

export const stopResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['stopped'],
  properties: { stopped: { type: 'boolean' } },
} as const;
