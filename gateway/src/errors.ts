/**
 * Every failure leaves the gateway as `{error: {code, message}}` with the registry's status, so the
 * widget can act on `code` alone. Fastify's own errors (parser, schema, size) are mapped here.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, ERRORS, errorBody, type ErrorCode } from '@chat/shared';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
};

export function toAppError(err: FastifyError | AppError | Error): AppError {
  if (err instanceof AppError) return err;
  const fe = err as FastifyError;
  if (fe.validation) return new AppError('validation_failed', `${fe.validationContext ?? 'body'}${fe.validation[0]?.instancePath ?? ''} ${fe.validation[0]?.message ?? 'is invalid'}`.trim());
  const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped) return new AppError(mapped);
  // secure-json-parse refusing __proto__/constructor arrives as a plain 400 SyntaxError.
  if (fe.statusCode === 400 && err instanceof SyntaxError) return new AppError('invalid_json');
  if (fe.statusCode === 413) return new AppError('payload_too_large');
  if (fe.statusCode === 415) return new AppError('unsupported_media_type');
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return new AppError('bad_request');
  return new AppError('internal');
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const e = toAppError(err as FastifyError);
    if (e.status >= 500) request.log.error({ err }, e.code);
    else request.log.info({ code: e.code }, e.message);
    if (e.retryAfterS !== undefined) void reply.header('retry-after', String(e.retryAfterS));
    void reply.code(e.status).type('application/json; charset=utf-8').send(e.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(ERRORS.not_found.status).send(errorBody('not_found', `No route ${request.method} ${request.url.split('?')[0]}.`));
  });
}
