export * from './status';
export * from './errors';
export * from './scheduling';
export { onCancel, cleansUpOnCancel, type CancelDecision, type CancelableStage, type CancelableTask } from './cancellation';
export type { StageType, TaskNamesOf } from './stages/StageType';
export { defineStageType } from './stages/StageType';
export { registerStageType, getStageType, listStageTypes } from './stages/registry';
export { exprOr, seconds, accountOf, EXPRESSION_ALTERNATIVE } from './stages/fields';
export { BUILT_IN_STAGE_TYPES, type BuiltInTaskName } from './stages/builtins';
export { waitStage, waitFieldsSchema } from './stages/wait';
export { manualJudgmentStage } from './stages/manualJudgment';
export {
  judgmentRequestOf,
  AWAITING_JUDGMENT_OUTPUT,
  JUDGMENT_TASK,
  STEP_JUDGMENTS_CONTEXT,
  stepJudgmentsOf,
  type JudgmentRequest,
} from './stages/judgments';
export { checkPreconditionsStage, checkPreconditionsFieldsSchema, type Precondition } from './stages/checkPreconditions';
export { evaluateVariablesStage, evaluateVariablesFieldsSchema } from './stages/evaluateVariables';
export {
  findImageStage,
  findAmiStage,
  findImageFieldsSchema,
  selectImageSource,
  IMAGE_SELECTION_STRATEGIES,
  type FindImageFields,
  type ImageCandidate,
  type ImageSelectionStrategy,
} from './stages/findImage';
export {
  findArtifactFromExecutionStage,
  findArtifactFromExecutionFieldsSchema,
  expectedArtifactsOf,
  admittedStatuses,
  artifactsOfExecution,
  bindFromExecution,
  type FindArtifactFromExecutionFields,
  type ExecutionArtifactSource,
} from './stages/findArtifactFromExecution';
export { savePipelineStage, savePipelineFieldsSchema, pipelineToSave, type SavePipelineFields } from './stages/savePipeline';
export { jenkinsStage, jenkinsFieldsSchema, JENKINS_STOP_TASK, type JenkinsFields } from './stages/jenkins';
export { kayentaCanaryFieldsSchema, kayentaCanaryStage, kayentaClusterOf, kayentaScheduleInputOf, type KayentaCanaryFields, type KayentaDeployments, type KayentaServerGroupSpec } from './stages/kayentaCanary';
export * from './jenkins/jenkins';
export { webhookStage, webhookFieldsSchema, WEBHOOK_METHODS, type WebhookFields } from './stages/webhook';
export { pipelineStage, pipelineFieldsSchema } from './stages/pipeline';
export { bakeStage, bakeFieldsSchema, bakePlaceOf, type BakeFields, type BakePlace } from './stages/bake';
export * from './stages/serverGroup';
export * from './chaos/chaosMonkey';
export * from './routing/requestRules';
export * from './routing/routers';
export * from './stages/manifest';
export * from './manifests';
export { resolveStage, stageExpressions } from './stages/resolve';
export { wrapBarePreconditions } from './stages/spelPreconditions';
export {
  pipelineDefinitionSchema,
  stageDefinitionSchema,
  parameterDefinitionSchema,
  triggerDefinitionSchema,
  parsePipelineDefinition,
} from './pipeline';
export type { PipelineDefinition, StageDefinition, StageEnabled, ParameterDefinition, TriggerDefinition } from './pipeline';
export {
  DEFAULT_EXECUTION_WINDOW_TIMEZONE,
  EXECUTION_WINDOW_TASK,
  executionWindowOf,
  executionWindowSchema,
  executionWindowTasks,
  jitterDelayMs,
  nextWindowOpening,
  type ExecutionWindow,
} from './stages/executionWindow';
export { checkPipelineLock, type PipelineLock } from './pipelineLock';
export { compatibilityReport, IGNORED_PIPELINE_FIELDS, IGNORED_STAGE_FIELDS } from './compatibility';
export type { CompatibilityFinding, CompatibilityReport } from './compatibility';
export { validateDag, topologicalOrder, downstreamOf, initialStages, upstreamOf } from './dag';
export type { DagNode } from './dag';
export { resolveParameters } from './parameters';
export {
  ExpressionError,
  evaluateExpression,
  resolveExpressions,
  templateExpressions,
  isExpressionTrue,
  formatPath,
  celEvaluator,
  expressionEvaluator,
  EXPRESSION_LANGUAGES,
} from './expressions';
export type { CelEvaluator, ExpressionLanguage, ExpressionScope, ScopeStage, ValuePath } from './expressions';
export { expressionIssues, conditionIssues, expressionProblem } from './expressionCheck';
export { detectExpressionLanguage } from './expressionLanguage';
export { spelEvaluator, spelProblem, SpelEvaluationError, SpelSyntaxError, type SpelOptions } from './spel';
export * from './triggers';
export * from './artifacts';
export { isAllowListed, isBlockedAddress, isMetadataHostName, normalizeHost } from './outboundAddress';
export * from './naming';
export {
  REDACTED,
  SECRET_NAME_ENDINGS,
  isSecretName,
  isSecretReference,
  secretReferenceSchema,
  redactSecrets,
  restoreRedacted,
  resolveSecretReferences,
  secretResolver,
  secretVariable,
  MissingSecretError,
  type SecretReference,
  type SecretResolver,
} from './secrets';
export * from './authorization';
export * from './policy';
export { isPlainObject } from './celValues';
// Kayenta canary configs: the API stores them, the kayentaCanary stage reads them.
export { kayentaCanaryConfigSchema, storedKayentaCanaryConfigSchema, type KayentaCanaryConfig } from '@gantry/canary';
export * from './spinnakerImport';
export {
  NOTIFICATION_TYPES,
  NOTIFICATION_EVENTS,
  notificationSchema,
  applicationNotificationsSchema,
  applicationNotificationList,
  plannedNotifications,
  notificationProblems,
  renderNotification,
  completionEvent,
  shownAddress,
  type Notification,
  type NotificationType,
  type NotificationEvent,
  type NotificationTarget,
  type NotificationFacts,
  type NotificationMessage,
  type ApplicationNotifications,
  type PlannedNotification,
} from './notifications/notifications';
export {
  slackBody,
  slackReplacementBody,
  teamsBody,
  googleChatBody,
  emailText,
  readSlackJudgment,
  slackTimestampFresh,
  SLACK_SIGNATURE_WINDOW_SECONDS,
  type SlackJudgmentCallback,
} from './notifications/channels';
export { syncRefusals, type SyncCheckInputs, type SyncPrincipal } from './gitops/syncChecks';
export { isPipelineFile, normalizeFolder, readPipelineDocument, readPipelineFile, readPipelineFiles, type PipelineFileReading, type RepositoryFile } from './gitops/pipelineFiles';
export {
  DRIFT_STATES,
  SERVER_GROUP_KIND,
  adoptLive,
  describeDriftResource,
  driftNotification,
  driftOf,
  driftTransition,
  manifestDrift,
  readManifestFiles,
  serverGroupResource,
  serverGroupState,
  type DriftField,
  type DriftResourceId,
  type DriftState,
  type DriftTransition,
  type ServerGroupTemplateId,
} from './drift/drift';
