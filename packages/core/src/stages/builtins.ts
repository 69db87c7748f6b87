import { bakeStage } from './bake';
import { checkPreconditionsStage } from './checkPreconditions';
import { evaluateVariablesStage } from './evaluateVariables';
import { findAmiStage, findImageStage } from './findImage';
import { findArtifactFromExecutionStage } from './findArtifactFromExecution';
import {
  bakeManifestStage,
  deleteManifestStage,
  deployManifestStage,
  disableManifestStage,
  enableManifestStage,
  runJobManifestStage,
  findArtifactsFromResourceStage,
  patchManifestStage,
  rollingRestartManifestStage,
  scaleManifestStage,
  syncManifestsStage,
  undoRolloutManifestStage,
} from './manifest';
import { jenkinsStage } from './jenkins';
import { kayentaCanaryStage } from './kayentaCanary';
import { manualJudgmentStage } from './manualJudgment';
import { pipelineStage } from './pipeline';
import { savePipelineStage } from './savePipeline';
import { abTestStage } from './serverGroup/abTest';
import { canaryStage } from './serverGroup/canary';
import { deployStage } from './serverGroup/deploy';
import { cloneServerGroupStage } from './serverGroup/cloneServerGroup';
import { rollbackClusterStage } from './serverGroup/rollback';
import { chaosStage } from './serverGroup/chaos';
import {
  destroyServerGroupStage,
  disableServerGroupStage,
  enableServerGroupStage,
  resizeServerGroupStage,
} from './serverGroup/targetStages';
import type { StageType, TaskNamesOf } from './StageType';
import { waitStage } from './wait';
import { webhookStage } from './webhook';

/** The stage types every Gantry knows; providers and plugins register the rest. */
export const BUILT_IN_STAGE_TYPES = [
  waitStage,
  manualJudgmentStage,
  checkPreconditionsStage,
  evaluateVariablesStage,
  webhookStage,
  pipelineStage,
  bakeStage,
  findImageStage,
  findAmiStage,
  deployStage,
  canaryStage,
  abTestStage,
  cloneServerGroupStage,
  resizeServerGroupStage,
  enableServerGroupStage,
  disableServerGroupStage,
  destroyServerGroupStage,
  rollbackClusterStage,
  chaosStage,
  deployManifestStage,
  deleteManifestStage,
  scaleManifestStage,
  patchManifestStage,
  undoRolloutManifestStage,
  rollingRestartManifestStage,
  findArtifactsFromResourceStage,
  enableManifestStage,
  disableManifestStage,
  runJobManifestStage,
  bakeManifestStage,
  syncManifestsStage,
  jenkinsStage,
  findArtifactFromExecutionStage,
  savePipelineStage,
  kayentaCanaryStage,
] as const satisfies readonly StageType[];

/** Every task a built-in stage type plans: the worker must implement each (its task table is typed by this). */
export type BuiltInTaskName = TaskNamesOf<(typeof BUILT_IN_STAGE_TYPES)[number]>;
