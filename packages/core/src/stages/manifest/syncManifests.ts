import { z } from 'zod';
import { allowExpressions } from '../allowExpressions';
import { nonEmptyText } from '../fields';
import { defineStageType } from '../StageType';
import { manifestAccountShape } from './fields';

/**
 * `syncManifests` (README "Drift"): converge what runs on its desired state, by server-side apply of
 * the desired manifests of the objects that drifted or are missing: a drift watch's (`watch`), or
 * what Gantry deployed to an account (`account`, optionally one `namespace`). Drift is never
 * converged otherwise: only this stage, run on purpose, changes the cluster back.
 */
export const syncManifestsFieldsSchema = z
  .looseObject({
    ...manifestAccountShape,
    namespace: nonEmptyText.optional(),
    watch: nonEmptyText.optional(),
  })
  .superRefine((fields, ctx) => {
    if (fields.watch === undefined && fields.account === undefined && fields.credentials === undefined) {
      ctx.addIssue({ code: 'custom', path: ['watch'], message: 'name a drift watch (watch), or the account (and namespace) whose deployed manifests to converge' });
    }
    if (fields.watch !== undefined && fields.namespace !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['namespace'], message: 'a drift watch has its own namespace; name the watch or the account and namespace, not both' });
    }
  });
export type SyncManifestsFields = z.output<typeof syncManifestsFieldsSchema>;

export const syncManifestsStage = defineStageType({
  type: 'syncManifests',
  fields: allowExpressions(syncManifestsFieldsSchema),
  tasks: () => ['syncManifests'],
});
