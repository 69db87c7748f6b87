import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { toErrorResponse } from '../errors/toErrorResponse';

/** Every failure, including unknown routes, answers `{error: {code, message, details}}`. */
export function installErrorShape(app: FastifyInstance, options: { bodyLimitBytes: number }): void {
  app.setErrorHandler((error, request, reply) => sendErrorShape(error, request, reply, options));

  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).send({
      error: { code: 'NOT_FOUND', message: `Route ${request.method} ${request.url} not found`, details: {} },
    });
  });
}

/**
 * Fastify's router refuses some requests before any hook or error handler runs (a URL that does not
 * decode, FST_ERR_BAD_URL; a parameter over the length limit): this constructor option gives them
 * the same error shape.
 */
export function frameworkErrorShape(options: { bodyLimitBytes: number }): NonNullable<FastifyServerOptions['frameworkErrors']> {
  return (error, request, reply) => void sendErrorShape(error, request, reply, options);
}

function sendErrorShape(error: unknown, request: FastifyRequest, reply: FastifyReply, options: { bodyLimitBytes: number }) {
  const response = toErrorResponse(error, { bodyLimitBytes: options.bodyLimitBytes, requestId: request.id });
  if (response.unexpected) request.log.error({ err: error }, 'unexpected error');
  else request.log.info({ code: response.body.error.code, message: response.body.error.message }, 'request refused');
  if (response.headers) void reply.headers(response.headers);
  return reply.code(response.statusCode).send(response.body);
}
