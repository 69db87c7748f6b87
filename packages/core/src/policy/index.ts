export { deployPolicySchema, EMPTY_DEPLOY_POLICY, type DeployPolicy } from './deployPolicy';
export {
  freezeWindowSchema,
  freezeVerdict,
  activeFreezes,
  windowCovers,
  isTimeZone,
  WEEK_DAYS,
  FREEZE_STAGE_TYPES,
  FREEZE_TASK,
  FREEZE_OVERRIDE_CONTEXT,
  type ActiveFreeze,
  type FreezeTarget,
  type FreezeVerdict,
  type FreezeWindow,
} from './freezeWindows';
export {
  trafficGuardSchema,
  trafficGuardsSchema,
  matchingTrafficGuard,
  describeTrafficGuard,
  type GuardedPlace,
  type TrafficGuard,
  type TrafficGuards,
} from './trafficGuards';
export { saveRuleSchema, saveRuleViolations, stageAccount, type PolicyAccount, type RuleViolation, type SaveRule } from './saveRules';
