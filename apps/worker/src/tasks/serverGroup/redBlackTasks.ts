import { deployClusterOf, deployFieldsSchema, redBlackOptionsOf, strategyDelaysMs } from '@gantry/core';
import { gatesBefore, isPastRedBlack, nextRedBlackStep } from '@gantry/strategies';
import type { TaskContext, TaskImplementation } from '../Task';
import { waitFromStart } from '../wait';
import { readFields } from '../cloud/context';
import { serverGroupTask } from '../cloud/failures';
import { oldGroupsTask, type LiveCluster } from './oldGroupsTask';

/**
 * `deploy` (red/black, blue/green, rolling red/black): the waits and the old groups' cleanup after
 * traffic moved to the new group. The old groups are disabled by highlander's task (the same
 * step); these scale them down once `delayBeforeScaleDownSec` has passed and shrink the cluster
 * to `maxRemainingServerGroups`.
 */

function deployCluster(ctx: TaskContext) {
  return deployClusterOf(readFields(deployFieldsSchema, ctx));
}

/** A delay of the deploy, measured from the task's first run (kept by the engine across crashes). */
function delayTask(name: string, delay: 'beforeDisable' | 'beforeScaleDown'): TaskImplementation {
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

function redBlackTask(name: string, until: 'scaleDown' | 'destroy', output: string): TaskImplementation {
  return oldGroupsTask({
    name,
    until,
    output,
    // The plan runs this task after the judgment and the delays: by its position, those are passed.
    decide: (live: LiveCluster, ctx) =>
      nextRedBlackStep({ ...live, options: redBlackOptionsOf(deployCluster(ctx)), passed: gatesBefore(until) }),
    isPast: isPastRedBlack,
  });
}

/** Resizes the disabled old groups that the cluster keeps to 0 instances (max kept). */
export const scaleDownOldServerGroupsTask = redBlackTask('scaleDownOldServerGroups', 'scaleDown', 'scaledDownServerGroups');
/** Destroys the oldest groups beyond maxRemainingServerGroups; never the new one, never one in traffic. */
export const shrinkClusterTask = redBlackTask('shrinkCluster', 'destroy', 'destroyedServerGroups');
