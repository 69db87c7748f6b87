export { AwsProvider, type AwsProviderOptions } from './AwsProvider';
export { toProviderError as awsErrorToProviderError, kindForAwsFailure as awsErrorKind, readAwsFailure, type AwsErrorContext, type AwsFailure } from './errors';
export { TAGS as AWS_TAGS } from './tags';
export {
  awsServerGroupSettingsSchema,
  awsBakeSettingsSchema,
  DEFAULT_INSTANCE_TYPE,
  type AwsServerGroupSettings,
  type AwsServerGroupSettingsInput,
  type AwsBakeSettings,
} from './settings';
export { bakeKey, amiName } from './bake';
