import { DEPLOY_PERMISSION_TASK, describePermission, permissionsToRun } from '@gantry/core';
import { checkPrincipal } from './principal';
import type { TaskImplementation } from './Task';

/**
 * Planned by the engine in every deploy-type stage when authentication is on, after any freeze
 * wait and before the stage's provider calls: the principal the execution acts as (its runAsUser
 * service account, the saver with the roles it saved with, or who started it by hand) must still
 * hold EXECUTE on the application and on the account the stage resolved to. Grants can be revoked
 * between the save or the trigger and this moment, as Fiat re-checks in Spinnaker. The decision is
 * core's (permissionsToRun, via checkPrincipal); this task only reads the grants and the service account as they are now.
 */
export const checkDeployPermissionsTask: TaskImplementation = {
  name: DEPLOY_PERMISSION_TASK,
  async run(ctx) {
    // Planned only when the worker has a permission source; a worker reconfigured since has nothing to check against (checkPrincipal: ok).
    const checked = await checkPrincipal(ctx, permissionsToRun(ctx.execution.application, [ctx.stage.context]), 'deploys');
    if (checked.ok) return { status: 'SUCCEEDED' };
    if ('error' in checked) return { status: 'TERMINAL', error: checked.error };
    return {
      status: 'TERMINAL',
      error: `${checked.principal} lacks ${describePermission(checked.missing)}: the deploy's permissions are checked again before it acts, and this one is missing (revoked since the pipeline was saved or started?)`,
    };
  },
};
