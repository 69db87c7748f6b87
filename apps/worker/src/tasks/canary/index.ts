import { abortCanaryTask } from './abortCanary';
import { createCanaryServerGroupsTask } from './createCanaryServerGroups';
import { determineCanaryServerGroupsTask } from './determineCanaryServerGroups';
import { completeCanaryPromotionTask, promoteCanaryTask } from './promoteCanary';
import { runCanaryAnalysisTask } from './runCanaryAnalysis';

/** The tasks of the canary stage and its on-failure abort (its promotion reuses the deploy tasks for the rest). */
export const canaryTasks = [
  determineCanaryServerGroupsTask,
  createCanaryServerGroupsTask,
  runCanaryAnalysisTask,
  promoteCanaryTask,
  completeCanaryPromotionTask,
  abortCanaryTask,
] as const;
