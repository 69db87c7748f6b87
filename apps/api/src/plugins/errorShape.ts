import type { FastifyInstance } from 'fastify';
import { toErrorResponse } from '../errors/toErrorResponse';

/** Every failure, including unknown routes, answers `{error: {code, message, details}}`. */
export function installErrorShape(app: FastifyInstance, options: { bodyLimitBytes: number }): void {
  app.setErrorHandler((error, request, reply) => {
    const response = toErrorResponse(error, { bodyLimitBytes: options.bodyLimitBytes, requestId: request.id });
    if (response.unexpected) request.log.error({ err: error }, 'unexpected error');
    else request.log.info({ code: response.body.error.code, message: response.body.error.message }, 'request refused');
    if (response.headers) void reply.headers(response.headers);
    return reply.code(response.statusCode).send(response.body);
  });

  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).send({
      error: { code: 'NOT_FOUND', message: `Route ${request.method} ${request.url} not found`, details: {} },
    });
  });
}
