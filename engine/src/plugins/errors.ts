/**
 * Every HTTP error leaves as `{error: {code, message}}` with the registry's status.
 */
import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';
import { AppError, errorBody } from '@chat/shared';

/** node-redis errors while Redis is away or slow. */
export function isRedisError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return /ClientClosedError|SocketClosedUnexpectedlyError|ConnectionTimeoutError|ClientOfflineError|ReconnectStrategyError|ECONNREFUSED|The client is closed|The client is offline|Socket closed|offline queue/i.test(`${e.name} ${e.message}`);
}

export function toAppError(err: FastifyError | Error): AppError {
  if (err instanceof AppError) return err;
  if (isRedisError(err)) return new AppError('state_unavailable');
  const e = err as FastifyError;
  if (e.validation) return new AppError('validation_failed', `${e.validationContext ?? 'body'}${e.message.replace(/^(body|params|querystring|headers)/, '')}`);
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return new AppError('payload_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return new AppError('unsupported_media_type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY': return new AppError('invalid_json');
  }
  if (e instanceof SyntaxError || e.statusCode === 400) return new AppError(e.message.includes('JSON') ? 'invalid_json' : 'bad_request');
  if (e.statusCode === 413) return new AppError('payload_too_large');
  if (e.statusCode === 415) return new AppError('unsupported_media_type');
  return new AppError('internal');
}

export default fp(
  async (app) => {
    app.setErrorHandler((err: FastifyError, req, reply) => {
      const e = toAppError(err);
      if (e.status >= 500) req.log.error({ err }, 'request failed');
      if (e.retryAfterS !== undefined) reply.header('retry-after', String(e.retryAfterS));
      reply.status(e.status).send(e.toBody());
    });
    app.setNotFoundHandler((_req, reply) => {
      reply.status(404).send(errorBody('not_found'));
    });
  },
  { name: 'errors' },
);
