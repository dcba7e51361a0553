/**
 * What both services' Fastify apps share: the base options (logger with content redaction, request
 * ids, prototype-poisoning refusals, malformed URLs as JSON) and the error mapping. Every failure
 * leaves as `{error: {code, message}}` with the registry's status, so the same Fastify 4xx (bad
 * JSON, body too large, unsupported media type, validation) gives the same code in both services.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import { AppError, ERRORS, errorBody, type ErrorCode } from '../errors.js';

/** A caller's `x-request-id` kept when it is a sane token (logs join across hops); otherwise a UUID. */
export const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
export const genReqId = (req: { headers: Record<string, string | string[] | undefined> }): string => {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
};

/** Content stays out of logs unless LOG_CONTENT=true; these paths catch a careless log call. */
const CONTENT_PATHS = ['text', 'data', 'body', '*.text', '*.data', '*.body'];

export interface BaseOptions {
  logLevel: string;
  logContent: boolean;
  bodyLimitBytes: number;
  /** Replaces the logger (tests). */
  logger?: boolean | object;
}

export function baseFastifyOptions(o: BaseOptions): FastifyServerOptions {
  return {
    logger: o.logger ?? { level: o.logLevel, redact: ['req.headers.authorization', ...(o.logContent ? [] : CONTENT_PATHS)] },
    bodyLimit: o.bodyLimitBytes,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    requestIdHeader: false,
    genReqId,
    // A malformed URL (`/%`) is refused by the router before any error handler: keep it JSON (found by fuzzing).
    frameworkErrors: (err, _request, reply) => {
      void (reply as unknown as FastifyReply).code(400).type('application/json; charset=utf-8').send(errorBody('bad_request', err.message));
    },
  };
}

/** node-redis errors while Redis is away or slow. */
export function isRedisError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return /ClientClosedError|SocketClosedUnexpectedlyError|ConnectionTimeoutError|ClientOfflineError|ReconnectStrategyError|ECONNREFUSED|The client is closed|The client is offline|Socket closed|offline queue/i.test(
    `${e.name} ${e.message}`,
  );
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
};

export function toAppError(err: FastifyError | AppError | Error): AppError {
  if (err instanceof AppError) return err;
  if (isRedisError(err)) return new AppError('state_unavailable');
  const fe = err as FastifyError;
  if (fe.validation)
    return new AppError(
      'validation_failed',
      `${fe.validationContext ?? 'body'}${fe.validation[0]?.instancePath ?? ''} ${fe.validation[0]?.message ?? 'is invalid'}`.trim(),
    );
  const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped) return new AppError(mapped);
  // secure-json-parse refusing __proto__/constructor arrives as a plain 400 SyntaxError.
  if (fe.statusCode === 400 && err instanceof SyntaxError) return new AppError('invalid_json');
  if (fe.statusCode === 413) return new AppError('payload_too_large');
  if (fe.statusCode === 415) return new AppError('unsupported_media_type');
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return new AppError('bad_request');
  return new AppError('internal');
}

/** The error and not-found handlers, and the request id echoed on every response. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const e = toAppError(err as FastifyError);
    if (e.status >= 500) request.log.error({ err }, e.code);
    else request.log.info({ code: e.code }, e.message);
    if (e.retryAfterS !== undefined) void reply.header('retry-after', String(e.retryAfterS));
    void reply.code(e.status).type('application/json; charset=utf-8').send(e.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(ERRORS.not_found.status)
      .type('application/json; charset=utf-8')
      .send(errorBody('not_found', `No route ${request.method} ${request.url.split('?')[0]}.`));
  });
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
}
