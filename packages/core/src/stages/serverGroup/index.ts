export { allowExpressions } from '../allowExpressions';
export {
  deployStage,
  deployClusterSchema,
  deployFieldsSchema,
  deployClusterOf,
  waitForUpTimeoutMs,
  type DeployCluster,
  type DeployFields,
} from './deploy';
export {
  cloneServerGroupStage,
  cloneServerGroupFieldsSchema,
  clonedCluster,
  type CloneServerGroupFields,
  type CloneSource,
} from './cloneServerGroup';
export { judgesSteps, redBlackOptionsOf, strategyDelaysMs, targetPercentagesOf } from './strategyFields';
export { abTestStage, abTestFieldsSchema, abTestRoutingIssues, AB_TEST_ABORT_TASK, type AbTestFields } from './abTest';
export { canaryStage, canaryFieldsSchema, DEFAULT_CANARY_STEPS, type CanaryFields } from './canary';
export {
  enableServerGroupStage,
  disableServerGroupStage,
  destroyServerGroupStage,
  resizeServerGroupStage,
  resizeFieldsSchema,
  targetFieldsSchema,
  type ResizeFields,
} from './targetStages';
export { targetOf, type ServerGroupTarget } from './target';
export { chaosStage, chaosFieldsSchema, chaosAmountOf, DEFAULT_MIN_HEALTHY_PERCENT, DEFAULT_EXPECT_RECOVERY_WITHIN_SEC, type ChaosFields } from './chaos';
export { capacitySchema, locationOf, waitForUpFieldsSchema, DEFAULT_WAIT_FOR_UP_TIMEOUT_SEC, type CapacityFields } from './fields';
export { isClusterName, clusterOfServerGroup } from './names';
export {
  rollbackClusterStage,
  rollbackClusterFieldsSchema,
  restoreFieldsSchema,
  rollbackRequestOf,
  DEPLOY_ROLLBACK_TASKS,
  RESTORE_TASKS,
  type RollbackClusterFields,
} from './rollback';
