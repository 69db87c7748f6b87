import { destroyFailedCloneTask, determineCloneSourceTask } from './cloneServerGroup';
import { createServerGroupTask } from './createServerGroup';
import { determineServerGroupNameTask } from './determineServerGroupName';
import { determineTargetServerGroupTask } from './determineTargetServerGroup';
import { destroyOldServerGroupsTask, disableOldServerGroupsTask } from './strategies/highlander';
import { resizeServerGroupTask, waitForCapacityMatchTask } from './resizeTasks';
import { scaleDownOldServerGroupsTask, shrinkClusterTask, waitBeforeDisableTask, waitBeforeScaleDownTask } from './strategies/redBlack';
import { rollTrafficInStepsTask } from './strategies/rollingRedBlack';
import { destroyServerGroupTask, disableServerGroupTask, enableServerGroupTask } from './trafficTasks';
import { waitForUpInstancesTask } from './waitForUpInstances';
import { determineDeployRollbackTask, determineRollbackServerGroupsTask } from './rollback/determineRollback';
import { disableRolledBackServerGroupTask, restoreServerGroupTask } from './rollback/restoreTasks';
import { chooseChaosVictimsTask, terminateChaosVictimsTask, waitForChaosRecoveryTask } from './chaosTasks';

export {
  determineCloneSourceTask,
  destroyFailedCloneTask,
  createServerGroupTask,
  determineServerGroupNameTask,
  determineTargetServerGroupTask,
  destroyOldServerGroupsTask,
  destroyServerGroupTask,
  disableOldServerGroupsTask,
  disableServerGroupTask,
  enableServerGroupTask,
  resizeServerGroupTask,
  waitForCapacityMatchTask,
  waitForUpInstancesTask,
  determineDeployRollbackTask,
  determineRollbackServerGroupsTask,
  restoreServerGroupTask,
  disableRolledBackServerGroupTask,
  chooseChaosVictimsTask,
  terminateChaosVictimsTask,
  waitForChaosRecoveryTask,
};
export { planRollback, planOutputs, type RollbackPlan } from './rollback/rollbackPlan';
export { classifyFailure } from '../cloud/failures';

/** The tasks of deploy (with its rollback.onFailure), resizeServerGroup, enableServerGroup, disableServerGroup, destroyServerGroup, rollbackCluster and chaos. */
export const serverGroupTasks = [
  determineServerGroupNameTask,
  createServerGroupTask,
  waitForUpInstancesTask,
  determineCloneSourceTask,
  destroyFailedCloneTask,
  enableServerGroupTask,
  disableOldServerGroupsTask,
  destroyOldServerGroupsTask,
  waitBeforeDisableTask,
  waitBeforeScaleDownTask,
  scaleDownOldServerGroupsTask,
  shrinkClusterTask,
  rollTrafficInStepsTask,
  determineTargetServerGroupTask,
  resizeServerGroupTask,
  waitForCapacityMatchTask,
  disableServerGroupTask,
  destroyServerGroupTask,
  determineRollbackServerGroupsTask,
  determineDeployRollbackTask,
  restoreServerGroupTask,
  disableRolledBackServerGroupTask,
  chooseChaosVictimsTask,
  terminateChaosVictimsTask,
  waitForChaosRecoveryTask,
] as const;
