import type { DriftWatchSetting } from '@gantry/config';
import { ANY, ValidationError, type Permission } from '@gantry/core';
import type { MessageBus } from '@gantry/queue';
import { selectDrift } from '@gantry/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { needs, signedIn } from '../../auth/access';
import { listDriftSchema, requestDriftCheckSchema } from './schemas';

export interface DriftRoutesOptions {
  pool: pg.Pool;
  watches: readonly DriftWatchSetting[];
  bus: MessageBus;
}

/**
 * Drift (README "Drift"): the recorded state of every watched object and an on-demand check. The
 * checks run in the workers (message CheckDrift), which read the clusters; these routes only read
 * the records and ask.
 */
export const driftRoutes: FastifyPluginAsyncZod<DriftRoutesOptions> = async (app, { pool, watches, bus }) => {
  const watchNamed = (name: string): DriftWatchSetting => {
    const watch = watches.find((candidate) => candidate.name === name);
    if (watch === undefined) {
      const known = watches.map((candidate) => candidate.name).join(', ') || 'none';
      throw new ValidationError(`watch: no drift watch '${name}' is configured (configured: ${known})`, [{ path: ['watch'], message: `no drift watch '${name}' is configured` }]);
    }
    return watch;
  };

  app.get('/drift', { schema: listDriftSchema, config: signedIn }, async (request) => {
    const readable = await request.readable('application');
    const wanted = request.query.application;
    const applications = readable === ANY ? (wanted === undefined ? null : [wanted]) : [...readable].filter((name) => wanted === undefined || name === wanted);
    return { resources: await selectDrift(pool, { applications, ...(request.query.state === undefined ? {} : { state: request.query.state }) }) };
  });

  app.post(
    '/drift/check',
    {
      schema: requestDriftCheckSchema,
      config: needs('EXECUTE on the application of the watch or of the objects checked', (request): Permission[] => {
        const body = request.body as { watch?: string; application?: string };
        const application = body.watch === undefined ? body.application : watchNamed(body.watch).application;
        return application === undefined ? [] : [{ kind: 'application', name: application, action: 'EXECUTE' }];
      }),
    },
    async (request, reply) => {
      const { watch, application } = request.body;
      await bus.send({ type: 'CheckDrift', ...(watch === undefined ? {} : { watch: watchNamed(watch).name }), ...(application === undefined ? {} : { application }) });
      return reply.code(202).send({ queued: true as const });
    },
  );
};
