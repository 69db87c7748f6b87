import { bakeStage } from './bake';
import { checkPreconditionsStage } from './checkPreconditions';
import { evaluateVariablesStage } from './evaluateVariables';
import { manualJudgmentStage } from './manualJudgment';
import { pipelineStage } from './pipeline';
import { canaryStage } from './serverGroup/canary';
import { deployStage } from './serverGroup/deploy';
import { rollbackClusterStage } from './serverGroup/rollback';
import {
  destroyServerGroupStage,
  disableServerGroupStage,
  enableServerGroupStage,
  resizeServerGroupStage,
} from './serverGroup/targetStages';
import type { StageType } from './StageType';
import { waitStage } from './wait';
import { webhookStage } from './webhook';

/** The stage types every Gantry knows; providers and plugins register the rest. */
export const BUILT_IN_STAGE_TYPES: readonly StageType[] = [
  waitStage,
  manualJudgmentStage,
  checkPreconditionsStage,
  evaluateVariablesStage,
  webhookStage,
  pipelineStage,
  bakeStage,
  deployStage,
  canaryStage,
  resizeServerGroupStage,
  enableServerGroupStage,
  disableServerGroupStage,
  destroyServerGroupStage,
  rollbackClusterStage,
];
