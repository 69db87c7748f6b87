import type { BuiltInTaskName } from '@gantry/core';
import type { TaskImplementation } from './Task';
import { TaskRegistry, taskTable, type TaskTable } from './TaskRegistry';
import { bakeImageTask } from './bake/bakeImage';
import { abTestTasks } from './abTest/abTest';
import { canaryTasks } from './canary';
import { checkDeployPermissionsTask } from './checkDeployPermissions';
import { checkFreezeWindowsTask } from './checkFreezeWindows';
import { checkPreconditionsTask } from './checkPreconditions';
import { evaluateVariablesTask } from './evaluateVariables';
import { findImageFromClusterTask } from './findImage/findImageFromCluster';
import { findArtifactFromExecutionTask } from './artifacts/findArtifactFromExecution';
import { jenkinsTasks } from './jenkins';
import { kayentaTasks } from './kayenta';
import { monitorPipelineTask } from './pipeline/monitorPipeline';
import { startPipelineTask } from './pipeline/startPipeline';
import { savePipelineTask } from './pipeline/savePipeline';
import { waitTask } from './wait';
import { waitForExecutionWindowTask } from './waitForExecutionWindow';
import { waitForJudgmentTask } from './waitForJudgment';
import { manifestTasks } from './manifest';
import { serverGroupTasks } from './serverGroup';
import { createWebhookTask } from './webhook/createWebhook';
import { monitorWebhookTask } from './webhook/monitorWebhook';

export * from './Task';
export { TaskRegistry, UnknownTaskError, taskTable, type TaskTable } from './TaskRegistry';
export * from './serverGroup';
export {
  bakeImageTask,
  checkDeployPermissionsTask,
  checkFreezeWindowsTask,
  checkPreconditionsTask,
  createWebhookTask,
  evaluateVariablesTask,
  findImageFromClusterTask,
  monitorPipelineTask,
  monitorWebhookTask,
  startPipelineTask,
  waitForExecutionWindowTask,
  waitForJudgmentTask,
  waitTask,
};

/**
 * The tasks of the built-in stage types: the generic ones (wait, manualJudgment, checkPreconditions,
 * evaluateVariables, webhook, pipeline, bake, findImage), the server group ones (deploy and its strategies,
 * resize, enable, disable, destroy, rollbackCluster) and the canary's. Typed by the stage types:
 * `BuiltInTaskName` is every name their plans can return, so a planned task without an
 * implementation here, or one filed under another name, does not compile.
 */
export const builtInTaskTable: TaskTable<BuiltInTaskName> = taskTable(
  waitTask,
  waitForJudgmentTask,
  checkPreconditionsTask,
  evaluateVariablesTask,
  createWebhookTask,
  monitorWebhookTask,
  startPipelineTask,
  monitorPipelineTask,
  savePipelineTask,
  bakeImageTask,
  findImageFromClusterTask,
  findArtifactFromExecutionTask,
  ...serverGroupTasks,
  ...canaryTasks,
  ...abTestTasks,
  ...kayentaTasks,
  ...manifestTasks,
  ...jenkinsTasks,
  // Planned by the engine (not a stage type) first in a deploy-type stage a freeze window covers.
  checkFreezeWindowsTask,
  // Planned by the engine next in every deploy-type stage when authentication is on.
  checkDeployPermissionsTask,
  // Planned by the engine first in any stage with Spinnaker's restrictExecutionDuringTimeWindow.
  waitForExecutionWindowTask,
);

export const builtInTasks: readonly TaskImplementation[] = Object.values(builtInTaskTable);

/** A registry holding the built-in tasks; stage-type packages register theirs on top. */
export function createTaskRegistry(extra: Iterable<TaskImplementation> = []): TaskRegistry {
  return new TaskRegistry([...builtInTasks, ...extra]);
}
