import type { TaskImplementation } from '../Task';
import { createServerGroupTask } from './createServerGroup';
import { determineServerGroupNameTask } from './determineServerGroupName';
import { determineTargetServerGroupTask } from './determineTargetServerGroup';
import { destroyOldServerGroupsTask, disableOldServerGroupsTask } from './highlanderTasks';
import { resizeServerGroupTask, waitForCapacityMatchTask } from './resizeTasks';
import { destroyServerGroupTask, disableServerGroupTask, enableServerGroupTask } from './trafficTasks';
import { waitForUpInstancesTask } from './waitForUpInstances';

export {
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
};
export { classifyFailure, TaskFailure } from './failures';

/** The tasks of deploy, resizeServerGroup, enableServerGroup, disableServerGroup and destroyServerGroup. */
export const serverGroupTasks: readonly TaskImplementation[] = [
  determineServerGroupNameTask,
  createServerGroupTask,
  waitForUpInstancesTask,
  enableServerGroupTask,
  disableOldServerGroupsTask,
  destroyOldServerGroupsTask,
  determineTargetServerGroupTask,
  resizeServerGroupTask,
  waitForCapacityMatchTask,
  disableServerGroupTask,
  destroyServerGroupTask,
];
