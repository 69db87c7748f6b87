import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { register } from 'prom-client';
import { DEFAULT_READINESS_TIMEOUT_MS, checkReadiness, isReady, type ReadinessCheck } from '@gantry/runtime';
import { DATABASE_RETRY_AFTER_SECONDS } from '../../errors/toErrorResponse';
import { open, signedIn } from '../../auth/access';
import { healthzSchema, readyzSchema } from './schemas';

export type { ReadinessCheck };

export interface HealthRoutesOptions {
  readiness: () => Promise<ReadinessCheck[]>;
  /** After this a hung dependency counts as not ready (default DEFAULT_READINESS_TIMEOUT_MS). */
  readinessTimeoutMs?: number;
}

/** Probes for orchestrators: /healthz (alive), /readyz (able to serve), and Prometheus /metrics. */
export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (app, options) => {
  const timeoutMs = options.readinessTimeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS;

  app.get('/healthz', { schema: healthzSchema, config: open }, async () => ({ status: 'ok' as const }));

  // Prometheus scrapes with a bearer token (its `authorization` setting).
  app.get('/metrics', { schema: { hide: true }, config: signedIn }, async (_request, reply) =>
    reply.type(register.contentType).send(await register.metrics()),
  );

  app.get('/readyz', { schema: readyzSchema, config: open }, async (_request, reply) => {
    const checks = await checkReadiness(options.readiness, timeoutMs);
    const ready = isReady(checks);
    if (!ready) void reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks });
  });
};
