export * from './CloudProvider';
export * from './errors';
export * from './retry';
export * from './validation';
export * from './trafficWeights';
export * from './requestRouting';
export * from './accounts';
export * from './defaultLocation';
export * from './RetryingProvider';
export * from './ObservedProvider';
export * from './ProviderRegistry';
export * from './LazyProvider';
// Pure (no SDK): lets tests and tools recognise what the AWS provider made without loading the SDK.
export { TAGS as AWS_TAGS } from './aws/tags';
export { loadManifests } from './kubernetes/loadManifests';
export { DockerRegistryClient, RegistryError, parseChallenge, type RegistryCredentials, type DockerRegistryClientOptions } from './dockerRegistry/client';
export {
  JenkinsClient,
  JenkinsError,
  queueItemIdOf,
  type JenkinsMaster,
  type JenkinsClientOptions,
  type JenkinsJob,
  type JenkinsQueueItem,
  type JenkinsBuildSummary,
  type JenkinsParameters,
} from './jenkins/client';
export { GitMirror, type GitSource } from './git/GitMirror';
export { ArtifactAccounts, ArtifactError, type ArtifactAccountsOptions } from './artifacts/ArtifactAccounts';
