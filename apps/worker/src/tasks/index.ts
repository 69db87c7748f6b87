import type { TaskImplementation } from './Task';
import { TaskRegistry } from './TaskRegistry';
import { bakeImageTask } from './bake/bakeImage';
import { canaryTasks } from './canary';
import { checkFreezeWindowsTask } from './checkFreezeWindows';
import { checkPreconditionsTask } from './checkPreconditions';
import { evaluateVariablesTask } from './evaluateVariables';
import { monitorPipelineTask } from './pipeline/monitorPipeline';
import { startPipelineTask } from './pipeline/startPipeline';
import { waitTask } from './wait';
import { waitForJudgmentTask } from './waitForJudgment';
import { serverGroupTasks } from './serverGroup';
import { createWebhookTask } from './webhook/createWebhook';
import { monitorWebhookTask } from './webhook/monitorWebhook';

export * from './Task';
export { TaskRegistry, UnknownTaskError } from './TaskRegistry';
export * from './serverGroup';
export {
  bakeImageTask,
  checkFreezeWindowsTask,
  checkPreconditionsTask,
  createWebhookTask,
  evaluateVariablesTask,
  monitorPipelineTask,
  monitorWebhookTask,
  startPipelineTask,
  waitForJudgmentTask,
  waitTask,
};

/**
 * The tasks of the built-in stage types: the generic ones (wait, manualJudgment, checkPreconditions,
 * evaluateVariables, webhook, pipeline, bake) and the server group ones (deploy, resize, enable, disable, destroy).
 */
export const builtInTasks: readonly TaskImplementation[] = [
  waitTask,
  waitForJudgmentTask,
  checkPreconditionsTask,
  evaluateVariablesTask,
  createWebhookTask,
  monitorWebhookTask,
  startPipelineTask,
  monitorPipelineTask,
  bakeImageTask,
  ...serverGroupTasks,
  ...canaryTasks,
  checkFreezeWindowsTask,
];

/** A registry holding the built-in tasks; stage-type packages register theirs on top. */
export function createTaskRegistry(extra: Iterable<TaskImplementation> = []): TaskRegistry {
  return new TaskRegistry([...builtInTasks, ...extra]);
}
