import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { register } from 'prom-client';
import type { ReadinessCheck } from '@gantry/runtime';
import { DATABASE_RETRY_AFTER_SECONDS } from '../../errors/toErrorResponse';
import { open, signedIn } from '../../auth/access';
import { healthzSchema, readyzSchema } from './schemas';

export type { ReadinessCheck };

export interface HealthRoutesOptions {
  readiness: () => Promise<ReadinessCheck[]>;
  /** A hung dependency must not hang the probe: after this, the instance is reported not ready. */
  readinessTimeoutMs?: number;
}

const DEFAULT_READINESS_TIMEOUT_MS = 5_000;

/** Probes for orchestrators: /healthz (alive), /readyz (able to serve), and Prometheus /metrics. */
export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (app, options) => {
  const timeoutMs = options.readinessTimeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS;

  app.get('/healthz', { schema: healthzSchema, config: open }, async () => ({ status: 'ok' as const }));

  // Prometheus scrapes with a bearer token (its `authorization` setting).
  app.get('/metrics', { schema: { hide: true }, config: signedIn }, async (_request, reply) =>
    reply.type(register.contentType).send(await register.metrics()),
  );

  app.get('/readyz', { schema: readyzSchema, config: open }, async (request, reply) => {
    const checks = await runChecks(options.readiness, timeoutMs).catch((error: unknown) => {
      request.log.warn({ err: error }, 'readiness checks failed');
      return [{ name: 'readiness', ok: false, error: error instanceof Error ? error.message : String(error) }];
    });
    const ready = checks.length > 0 && checks.every((check) => check.ok);
    if (!ready) void reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks });
  });
};

async function runChecks(readiness: () => Promise<ReadinessCheck[]>, timeoutMs: number): Promise<ReadinessCheck[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`readiness checks did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([readiness(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
