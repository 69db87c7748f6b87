import { DEPLOY_PERMISSION_TASK, describePermission, executionPrincipal, missingToDeploy } from '@gantry/core';
import type { TaskImplementation } from './Task';

/**
 * Planned by the engine in every deploy-type stage when authentication is on, after any freeze
 * wait and before the stage's provider calls: the principal the execution acts as (its runAsUser
 * service account, the saver with the roles it saved with, or who started it by hand) must still
 * hold EXECUTE on the application and on the account the stage resolved to. Grants can be revoked
 * between the save or the trigger and this moment, as Fiat re-checks in Spinnaker. The decision is
 * core's (missingToDeploy); this task only reads the grants and the service account as they are now.
 */
export const checkDeployPermissionsTask: TaskImplementation = {
  name: DEPLOY_PERMISSION_TASK,
  async run(ctx) {
    const source = ctx.services.permissions;
    // Planned only when the worker has a permission source; a worker reconfigured since has nothing to check against.
    if (source === undefined) return { status: 'SUCCEEDED' };
    const principal = executionPrincipal(ctx.execution.trigger);
    if (principal === undefined) {
      return { status: 'TERMINAL', error: 'the execution records no principal to check permissions for (no trigger.user or trigger.runAsUser): nothing deploys on behalf of no one' };
    }
    let roles: readonly string[];
    if (principal.kind === 'serviceAccount') {
      const account = await source.serviceAccount(principal.name);
      if (account === undefined) return { status: 'TERMINAL', error: `the execution runs as service account ${principal.name}, which no longer exists` };
      roles = account.roles;
    } else {
      roles = principal.roles;
    }
    const missing = missingToDeploy(await source.grants(), roles, ctx.execution.application, ctx.stage.context);
    if (missing === undefined) return { status: 'SUCCEEDED' };
    return {
      status: 'TERMINAL',
      error: `${principal.name} lacks ${describePermission(missing)}: the deploy's permissions are checked again before it acts, and this one is missing (revoked since the pipeline was saved or started?)`,
    };
  },
};
