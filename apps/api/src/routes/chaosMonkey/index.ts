import { chaosDecisionsOf, inTransaction, saveChaosMonkeyConfig, selectChaosKillSwitch, selectChaosMonkeyConfig, setChaosKillSwitch } from '@gantry/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { adminOnly, signedIn } from '../../auth/access';
import { onApplicationInPath } from '../../auth/resources';
import { actingAs } from '../../actor';
import { getChaosMonkeySchema, getKillSwitchSchema, putChaosMonkeySchema, putKillSwitchSchema } from './schemas';

export interface ChaosMonkeyRoutesOptions {
  pool: pg.Pool;
}

/**
 * Chaos Monkey schedules (README "Chaos Monkey"): an application's opt-in configuration (WRITE to
 * change, READ to see it with its kills), and the global kill switch (anyone signed in may see
 * it, only an admin may flip it). The workers run the schedules (apps/worker/src/chaos).
 */
export const chaosMonkeyRoutes: FastifyPluginAsyncZod<ChaosMonkeyRoutesOptions> = async (app, options) => {
  app.get('/applications/:app/chaosMonkey', { schema: getChaosMonkeySchema, config: onApplicationInPath('READ') }, async (request) => {
    const [config, killSwitch, decisions] = await Promise.all([
      selectChaosMonkeyConfig(options.pool, request.params.app),
      selectChaosKillSwitch(options.pool),
      chaosDecisionsOf(options.pool, request.params.app, request.query.limit),
    ]);
    return { config, killSwitch, decisions: decisions.map(({ application: _, windowEnd: __, ...decision }) => decision) };
  });

  app.put('/applications/:app/chaosMonkey', { schema: putChaosMonkeySchema, config: onApplicationInPath('WRITE') }, async (request) => {
    await inTransaction(options.pool, (sql) => saveChaosMonkeyConfig(sql, request.params.app, request.body, actingAs(request).user));
    return request.body;
  });

  app.get('/chaosMonkey/killSwitch', { schema: getKillSwitchSchema, config: signedIn }, async () => selectChaosKillSwitch(options.pool));

  app.put('/chaosMonkey/killSwitch', { schema: putKillSwitchSchema, config: adminOnly }, async (request) =>
    inTransaction(options.pool, (sql) => setChaosKillSwitch(sql, request.body.engaged, actingAs(request).user)),
  );
};
