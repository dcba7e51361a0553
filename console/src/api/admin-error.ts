/** A failed admin API call: the gateway's `{error: {code, message, details?}}`, or the network's failure. */
import type { PathError } from '@chat/shared';

export class AdminError extends Error {
  constructor(
    /** An error-registry code (`unauthorized`, `invalid_template`, …), or `network`. */
    readonly code: string,
    message: string,
    /** The HTTP status; 0 when the server was not reached. */
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AdminError';
  }

  /** `invalid_template` answers list every `{path, message}`. */
  get pathErrors(): PathError[] {
    return Array.isArray(this.details) ? this.details.filter((d): d is PathError => typeof d?.path === 'string' && typeof d?.message === 'string') : [];
  }
}

export async function toAdminError(res: Response): Promise<AdminError> {
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    const e = body.error;
    if (e && typeof e.code === 'string') return new AdminError(e.code, typeof e.message === 'string' ? e.message : e.code, res.status, e.details);
  } catch {
    // not JSON: fall through
  }
  return new AdminError('http_error', `HTTP ${res.status}`, res.status);
}
