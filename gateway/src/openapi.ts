/**
 * OpenAPI: one document per HTTP API, made by @fastify/swagger from the route schemas (responses
 * included). swagger documents the routes registered in its own context and below, so each API is
 * an encapsulated context with its own instance (see app.ts and admin/plugin.ts):
 * - the public API: `GET /v1/openapi.json`, page `GET /v1/docs`;
 * - the admin API: `GET /admin/v1/openapi.json`, page `GET /admin/v1/docs`; public while the admin API
 *   is on (ADMIN_KEY set), 404 like the rest of it when off.
 * The pages are Swagger UI, served from its npm package (no CDN, works offline).
 *
 * Response schemas also serialize (fast-json-stringify): a property they omit is dropped from the
 * answer. The components below are the shared contract's schemas, exact; routes refer to them with
 * `ref(name)` so the documents name them under `components.schemas`.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import {
  ERRORS,
  EVENT_NAMES,
  auditEntrySchema,
  closeResponseSchema,
  deliveryViewSchema,
  errorBodySchema,
  keyCreatedSchema,
  sessionViewSchema,
  siteViewSchema,
  stopResponseSchema,
  submissionDetailSchema,
  submissionPageSchema,
  submissionSchema,
  templateSavedSchema,
  templateSummarySchema,
  templateViewSchema,
  tenantViewSchema,
  tokenResponseSchema,
  webhookTestResultSchema,
  webhookViewSchema,
  type ErrorCode,
  type EventName,
} from '@chat/shared';

export const PUBLIC_DOCUMENT = '/v1/openapi.json';
export const PUBLIC_DOCS = '/v1/docs';

const PUBLIC_COMPONENTS = {
  ErrorBody: errorBodySchema,
  TokenResponse: tokenResponseSchema,
  SessionView: sessionViewSchema,
  CloseResponse: closeResponseSchema,
  StopResponse: stopResponseSchema,
} as const;

const ADMIN_COMPONENTS = {
  ErrorBody: errorBodySchema,
  TokenResponse: tokenResponseSchema,
  TenantView: tenantViewSchema,
  KeyCreated: keyCreatedSchema,
  AuditEntry: auditEntrySchema,
  SiteView: siteViewSchema,
  Template: templateViewSchema,
  TemplateSaved: templateSavedSchema,
  TemplateSummary: templateSummarySchema,
  WebhookView: webhookViewSchema,
  WebhookTestResult: webhookTestResultSchema,
  DeliveryView: deliveryViewSchema,
  Submission: submissionSchema,
  SubmissionDetail: submissionDetailSchema,
  SubmissionPage: submissionPageSchema,
} as const;

export type Component = keyof typeof PUBLIC_COMPONENTS | keyof typeof ADMIN_COMPONENTS;

/** A response that is the named component. */
export const ref = (name: Component, description: string) => ({ description, $ref: `${name}#` });

/** `{items: [component]}`, the admin API's lists. */
export const listOf = (name: Component, description: string) => ({
  description,
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: { items: { type: 'array', items: { $ref: `${name}#` } } },
});

/** A 204. */
export const noContent = (description: string) => ({ description, type: 'null' });

/** A 200 that is not JSON: a stream or a file, with a schema per content type. */
export const media = (description: string, types: string[], schema: object = { type: 'string' }) => ({
  description,
  content: Object.fromEntries(types.map((t) => [t, { schema }])),
});

export type ErrorSpec = Partial<Record<number, readonly ErrorCode[]>>;

/**
 * The error answers of a route, by status, each `{error: {code, message, details?}}`; the
 * description lists the codes. Specs merge (codes of one status add up). A code whose registry
 * status is not the one it is listed under throws at start-up, so the documents cannot drift from
 * shared/src/errors.ts.
 */
export function errors(...specs: ErrorSpec[]): Record<number, { description: string; $ref: string }> {
  const merged = new Map<number, Set<ErrorCode>>();
  for (const spec of specs)
    for (const [status, codes] of Object.entries(spec)) {
      const set = merged.get(Number(status)) ?? new Set<ErrorCode>();
      for (const code of codes ?? []) {
        if (ERRORS[code].status !== Number(status)) throw new Error(`openapi: ${code} is a ${ERRORS[code].status}, not a ${status}`);
        set.add(code);
      }
      merged.set(Number(status), set);
    }
  const out: Record<number, { description: string; $ref: string }> = {};
  for (const [status, codes] of [...merged].sort((a, b) => a[0] - b[0])) {
    const list = [...codes].map((c) => `\`${c}\``).join(', ');
    out[status] = { description: status === 429 ? `${list}; \`Retry-After\` says when to retry` : list, $ref: 'ErrorBody#' };
  }
  return out;
}

/** What can fail on any route: a bug, a draining replica, Redis away. */
export const SERVER_ERRORS: ErrorSpec = { 500: ['internal'], 503: ['shutting_down', 'state_unavailable'] };
/** Every admin route: a bad path or query, no key, the API off (or what it names missing), the server. */
export const ADMIN_ERRORS: ErrorSpec = { 400: ['validation_failed'], 401: ['unauthorized'], 404: ['not_found'], ...SERVER_ERRORS };
/** What only the platform operator may do, asked with a tenant key. */
export const OPERATOR_ONLY: ErrorSpec = { 403: ['forbidden'] };
/** A JSON body that cannot be read. */
export const BODY_ERRORS: ErrorSpec = {
  400: ['validation_failed', 'invalid_json', 'bad_request'],
  413: ['payload_too_large'],
  415: ['unsupported_media_type'],
};

const EVENT_PAYLOADS: Record<EventName, string> = {
  session: '`{sessionId}`',
  token: '`{text}`: a piece of the reply, in order',
  data: '`{data, missing, invalid}`: the values collected so far',
  done: '`{status, reply}`: the turn ended; `status` is `collecting`, `complete` or `closed`',
  error: '`{code, message, retryable}`: the turn failed; `code` is from the error registry',
};

/** The description of an SSE answer: the event names of shared/src/events.ts and their payloads. */
export function sseDescription(intro: string, events: readonly EventName[] = EVENT_NAMES): string {
  const lines = events.map((e) => `- \`${e}\`: ${EVENT_PAYLOADS[e]}`);
  return `${intro}\n\nEach event has an \`id:\` line (\`<turn>-<n>\`), an \`event:\` line and a JSON \`data:\` line:\n\n${lines.join('\n')}\n\n\`: ping\` comments keep an idle stream open. Once the stream has begun, a failure arrives as an \`error\` event, never as an HTTP status.`;
}

const refResolver = {
  // Components named by their `$id` (ErrorBody, TenantView, …) instead of def-0, def-1.
  buildLocalReference: (json: { $id?: unknown }, _base: unknown, _fragment: unknown, i: number) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
};

const uiConfig = { deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 1 } as const;

/**
 * The public API's swagger and components, in `api` (the encapsulated context of every public
 * route): call before registering the routes it documents.
 */
export async function documentPublicApi(api: FastifyInstance): Promise<void> {
  await api.register(swagger, {
    refResolver,
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'chat-intake gateway: public API',
        version: '1',
        description:
          'What the `<chat-widget>` (or any client) calls: a visitor token for a site, then chat turns answered as Server-Sent Events, session views and resumable streams. Every error is `{"error": {"code", "message"}}` with the status of its code.',
      },
      tags: [
        { name: 'visitor', description: 'Tokens, chat turns and sessions' },
        { name: 'operations', description: 'Liveness, readiness, metrics' },
      ],
      components: {
        securitySchemes: {
          visitorToken: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: "A visitor token from `POST /v1/token`, or one signed by the tenant's backend with its identity secret (identity verification).",
          },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when the gateway sets one.' },
        },
      },
    },
  });
  for (const [name, schema] of Object.entries(PUBLIC_COMPONENTS)) api.addSchema({ ...schema, $id: name });
}

/** `GET /v1/openapi.json` and the page at `/v1/docs` (both left out of the document). */
export async function servePublicDocs(api: FastifyInstance): Promise<void> {
  api.get(PUBLIC_DOCUMENT, { schema: { hide: true } }, async () => api.swagger());
  await api.register(swaggerUi, { routePrefix: PUBLIC_DOCS, uiConfig, theme: { title: 'chat-intake public API' } });
}

/** The admin API's swagger and components, in the admin plugin's context, before its routes. */
export async function documentAdminApi(admin: FastifyInstance): Promise<void> {
  await admin.register(swagger, {
    refResolver,
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'chat-intake gateway: admin API',
        version: '1',
        description:
          'The back office: tenants and their keys, sites, templates, the webhook, leads (submissions) and the audit log. ADMIN_KEY (the platform operator) may do everything; a tenant key (`sk_…`) acts on its own tenant only: another tenant answers 404, operator-only actions 403. Answers are `Cache-Control: no-store`. Every error is `{"error": {"code", "message"}}` with the status of its code.',
      },
      tags: [
        { name: 'tenants', description: 'Tenants (operator), their limits and keys' },
        { name: 'sites', description: "Where a tenant's widget may run, with which template" },
        { name: 'templates', description: 'Versioned templates: each save publishes a new version' },
        { name: 'webhook', description: "The tenant's webhook, its secret and its deliveries" },
        { name: 'submissions', description: 'Leads: list, export, read, erase' },
        { name: 'audit', description: 'Who changed what' },
      ],
      components: {
        securitySchemes: {
          adminKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'ADMIN_KEY (the platform operator: every tenant), or a tenant key `sk_…` (that tenant only).',
          },
        },
      },
      security: [{ adminKey: [] }],
    },
  });
  for (const [name, schema] of Object.entries(ADMIN_COMPONENTS)) admin.addSchema({ ...schema, $id: name });
}

/**
 * `GET /admin/v1/openapi.json` and the page at `/admin/v1/docs`: routes marked `config.public`, so
 * the admin plugin's key check lets them through (its "off" 404 still applies).
 */
export async function serveAdminDocs(admin: FastifyInstance, { prefix }: { prefix: string }): Promise<void> {
  await admin.register(async (docs) => {
    docs.addHook('onRoute', (route: RouteOptions) => {
      route.config = { ...route.config, public: true } as RouteOptions['config'];
    });
    docs.get('/openapi.json', { schema: { hide: true } }, async () => docs.swagger());
    await docs.register(swaggerUi, { routePrefix: '/docs', indexPrefix: prefix, uiConfig, theme: { title: 'chat-intake admin API' } });
  });
}
