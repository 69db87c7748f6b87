export type { TriggerMatch } from './match';
export {
  triggerDefinitionSchema,
  manualTriggerSchema,
  hasCronTriggers,
  TRIGGER_KIND_NAMES,
  type TriggerDefinition,
  type TriggerKind,
  type TriggerOfKind,
  type ManualTrigger,
} from './definition';
export {
  jenkinsTriggerSchema,
  jenkinsNotificationSchema,
  jenkinsBuildEvent,
  matchJenkinsTrigger,
  JENKINS_RESULTS,
  JENKINS_RESULT_PHASES,
  type JenkinsTrigger,
  type JenkinsNotification,
  type JenkinsBuildEvent,
} from './jenkins';
export {
  webhookTriggerSchema,
  matchWebhookTrigger,
  WEBHOOK_SOURCE,
  SECRET_REF,
  type WebhookTrigger,
  type WebhookDelivery,
} from './webhook';
export {
  payloadConstraintSchema,
  payloadConstraintsSchema,
  payloadMismatch,
  readPayloadPath,
  MAX_REGEX_INPUT_CHARS,
  matchesWhole,
  type PayloadConstraint,
  type PayloadConstraints,
} from './payloadConstraints';
export {
  cronTriggerSchema,
  cronExpressionOf,
  cronTimezoneOf,
  cronProblem,
  latestCronTick,
  activeCronTriggers,
  matchCronTrigger,
  DEFAULT_CRON_TIMEZONE,
  type CronTrigger,
  type ActiveCronTrigger,
  type CronTickEvent,
} from './cron';
export {
  pipelineTriggerSchema,
  matchPipelineTrigger,
  completionStatusOf,
  COMPLETION_STATUSES,
  MAX_PIPELINE_TRIGGER_DEPTH,
  type PipelineTrigger,
  type FinishedExecution,
  type CompletionStatus,
} from './pipelineCompletion';
export { triggerParameters, type TriggerParameters } from './parameters';
export { decideForPipeline, expectedArtifactIdsOf, type TriggerCandidate, type PipelineDecision } from './decide';
export {
  gitTriggerSchema,
  readGitPush,
  matchGitTrigger,
  gitTriggerListensTo,
  GIT_SOURCES,
  type GitTrigger,
  type GitSource,
  type GitPush,
  type GitPushReading,
  type GitRepository,
} from './git';
export {
  dockerTriggerSchema,
  readDockerPushes,
  matchDockerTrigger,
  normalizeRegistry,
  normalizeRepository,
  DOCKER_HUB,
  type DockerTrigger,
  type DockerPush,
} from './docker';
export {
  pubsubTriggerSchema,
  readPubsubPush,
  matchPubsubTrigger,
  subscriptionShortName,
  PUBSUB_SYSTEMS,
  type PubsubTrigger,
  type PubsubMessage,
  type PubsubPushReading,
} from './pubsub';
