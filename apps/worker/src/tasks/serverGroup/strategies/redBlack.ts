import { redBlackOptionsOf, strategyDelaysMs } from '@gantry/core';
import { gatesBefore, isPastRedBlack, nextRedBlackStep } from '@gantry/strategies';
import type { TaskContext, TaskImplementation } from '../../Task';
import { waitFromStart } from '../../wait';
import { deployClusterFor } from '../cloneServerGroup';
import { serverGroupTask } from '../../cloud/failures';
import { oldGroupsTask, type LiveCluster } from '../oldGroupsTask';

/**
 * The tasks only red/black's plan has (REDBLACK_PLAN in packages/strategies/src/redBlack.ts, also
 * used by rolling red/black and the canary's promotion from its disable step on): the delays, and
 * the old groups' cleanup after traffic moved to the new group. The old groups are disabled by
 * highlander's task (the same step); these scale them down once `delayBeforeScaleDownSec` has
 * passed and shrink the cluster to `maxRemainingServerGroups`.
 */

function deployCluster(ctx: TaskContext) {
  return deployClusterFor(ctx);
}

/** A delay of the deploy, measured from the task's first run (kept by the engine across crashes). */
function delayTask<Name extends string>(name: Name, delay: 'beforeDisable' | 'beforeScaleDown'): TaskImplementation<Name> {
  return serverGroupTask({
    name,
    async run(ctx) {
      return waitFromStart(ctx.task.startTime, strategyDelaysMs(deployCluster(ctx))[delay]);
    },
  });
}

/** New and old groups serve together for `delayBeforeDisableSec` before the old ones leave traffic. */
export const waitBeforeDisableTask = delayTask('waitBeforeDisable', 'beforeDisable');
/** The disabled old groups keep their instances for `delayBeforeScaleDownSec`: a rollback is one enable away. */
export const waitBeforeScaleDownTask = delayTask('waitBeforeScaleDown', 'beforeScaleDown');

function redBlackTask<Name extends string>(name: Name, until: 'scaleDown' | 'destroy', output: string): TaskImplementation<Name> {
  return oldGroupsTask({
    name,
    until,
    output,
    // REDBLACK_PLAN runs this task after the judgment and the delays: by its position, those are passed.
    decide: (live: LiveCluster, ctx) =>
      nextRedBlackStep({ ...live, options: redBlackOptionsOf(deployCluster(ctx)), passed: gatesBefore(until) }),
    isPast: isPastRedBlack,
  });
}

/** Resizes the disabled old groups that the cluster keeps to 0 instances (max kept). */
export const scaleDownOldServerGroupsTask = redBlackTask('scaleDownOldServerGroups', 'scaleDown', 'scaledDownServerGroups');
/** Destroys the oldest groups beyond maxRemainingServerGroups; never the new one, never one in traffic. */
export const shrinkClusterTask = redBlackTask('shrinkCluster', 'destroy', 'destroyedServerGroups');
