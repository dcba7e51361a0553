import { ERRORS, isErrorCode, type ErrorCode } from '@chat/shared/errors';

/** `network`: fetch itself failed (offline, DNS, CORS refusal); the server never answered. */
export type WidgetErrorCode = ErrorCode | 'network';

/** Every failure the widget handles, carrying the registry's code so the UI can act on it. */
export class WidgetError extends Error {
  readonly code: WidgetErrorCode;
  readonly retryable: boolean;
  readonly status: number | undefined;
  /** From a 429's Retry-After, when the server said how long to wait. */
  readonly retryAfterMs: number | undefined;

  constructor(code: WidgetErrorCode, message: string, opts: { retryable?: boolean; status?: number; retryAfterMs?: number } = {}) {
    super(message);
    this.name = 'WidgetError';
    this.code = code;
    this.retryable = opts.retryable ?? (code === 'network' ? true : ERRORS[code].retryable);
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** Turn a non-2xx response (`{error: {code, message}}`) into a WidgetError. */
export async function httpError(res: Response): Promise<WidgetError> {
  let code: WidgetErrorCode = res.status === 401 ? 'unauthorized' : res.status === 429 ? 'rate_limited' : res.status >= 500 ? 'internal' : 'bad_request';
  let message = res.statusText || `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    if (isErrorCode(body.error?.code)) code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // not JSON (a proxy's error page): keep the status-derived code
  }
  const retryAfter = Number(res.headers.get('retry-after'));
  return new WidgetError(code, message, {
    status: res.status,
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
  });
}

export function toWidgetError(e: unknown): WidgetError {
  if (e instanceof WidgetError) return e;
  return new WidgetError('network', e instanceof Error ? e.message : String(e));
}
