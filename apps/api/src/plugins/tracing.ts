import { startServerSpan, type ServerSpan } from '@gantry/telemetry';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * One span per request (see packages/telemetry): opened before authentication, so the whole
 * handling is inside it, and what the request sends (an execution's first message) carries its
 * trace. Nothing is added with tracing off.
 */
export function installTracing(app: FastifyInstance): void {
  const spans = new WeakMap<FastifyRequest, ServerSpan>();
  app.addHook('onRequest', (request, _reply, done) => {
    const span = startServerSpan(request.method, request.url, request.headers);
    if (span === undefined) return done();
    spans.set(request, span);
    span.run(done);
  });
  app.addHook('onResponse', (request, reply, done) => {
    spans.get(request)?.end(reply.statusCode, request.routeOptions.url);
    done();
  });
}
