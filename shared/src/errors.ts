/**
 * The one registry of error codes. Every HTTP error body is `{error: {code, message}}` and
 * every stream error event is `{code, message, retryable}`; both take status, message and
 * retryability from here so that the widget can act on `code` alone.
 */
export const ERRORS = {
  bad_request: { status: 400, retryable: false, message: 'The request is malformed.' },
  invalid_json: { status: 400, retryable: false, message: 'The request body is not valid JSON.' },
  validation_failed: { status: 400, retryable: false, message: 'The request does not match the expected shape.' },
  template_required: { status: 400, retryable: false, message: 'The first turn of a session must carry the template.' },
  template_invalid: { status: 400, retryable: false, message: 'The template is invalid.' },
  invalid_template: { status: 400, retryable: false, message: 'The template is invalid.' },
  invalid_webhook_url: { status: 400, retryable: false, message: 'The webhook URL is not allowed.' },
  unauthorized: { status: 401, retryable: false, message: 'Missing or invalid credentials.' },
  forbidden: { status: 403, retryable: false, message: 'This key may not do that.' },
  origin_not_allowed: { status: 403, retryable: false, message: 'This origin is not allowed for this site.' },
  site_not_found: { status: 404, retryable: false, message: 'Unknown site key.' },
  session_not_found: { status: 404, retryable: false, message: 'Session not found.' },
  not_found: { status: 404, retryable: false, message: 'Not found.' },
  already_exists: { status: 409, retryable: false, message: 'It exists already.' },
  template_already_set: { status: 409, retryable: false, message: 'The session already has a template; later turns carry only the message.' },
  session_closed: { status: 409, retryable: false, message: 'The session is closed.' },
  turn_in_progress: { status: 409, retryable: true, message: 'Another turn of this session is in progress.' },
  turn_stopped: { status: 409, retryable: false, message: 'The turn was stopped.' },
  payload_too_large: { status: 413, retryable: false, message: 'The request body is too large.' },
  message_too_long: { status: 413, retryable: false, message: 'The message is too long.' },
  unsupported_media_type: { status: 415, retryable: false, message: 'Send the body as application/json.' },
  rate_limited: { status: 429, retryable: true, message: 'Too many requests; retry later.' },
  internal: { status: 500, retryable: true, message: 'Internal error.' },
  model_error: { status: 502, retryable: true, message: 'The model failed to answer.' },
  engine_unavailable: { status: 503, retryable: true, message: 'The assistant is unavailable; retry shortly.' },
  stream_interrupted: { status: 502, retryable: true, message: 'The reply was interrupted; retry the message.' },
  state_unavailable: { status: 503, retryable: true, message: 'Session storage is unavailable; retry shortly.' },
  shutting_down: { status: 503, retryable: true, message: 'The server is restarting; retry shortly.' },
  overloaded: { status: 503, retryable: true, message: 'Too many conversations at once; retry shortly.' },
} as const satisfies Record<string, { status: number; retryable: boolean; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERRORS, code);
}

/** The HTTP error body. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** The HTTP error body as a JSON Schema (documents and serializes every error answer). */
export const errorBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: ERROR_CODES },
        message: { type: 'string' },
        /** Whatever helps to fix the request, e.g. `[{path, message}]` for an invalid template. */
        details: {},
      },
    },
  },
} as const;

export function errorBody(code: ErrorCode, message?: string, details?: unknown): ErrorBody {
  const body: ErrorBody = { error: { code, message: message ?? ERRORS[code].message } };
  if (details !== undefined) body.error.details = details;
  return body;
}

/** An error that carries a registry code; services map it to HTTP or to a stream event. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: unknown;
  /** Seconds the client should wait before trying again (sent as `Retry-After`), when known. */
  retryAfterS?: number;
  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ERRORS[code].message);
    this.name = 'AppError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.retryable = ERRORS[code].retryable;
    this.details = details;
  }
  toBody(): ErrorBody {
    return errorBody(this.code, this.message, this.details);
  }
}
