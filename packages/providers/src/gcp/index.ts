export { GcpProvider, type GcpProviderOptions } from './GcpProvider';
export { clientOptions as gcpClientOptions, type ComputeClientOptions } from './connection';
export { toProviderError as gcpErrorToProviderError, kindForStatus as gcpErrorKind, type GcpErrorContext } from './errors';
export { LABELS as GCP_LABELS, METADATA as GCP_METADATA } from './names';
export {
  gcpServerGroupSettingsSchema,
  gcpBakeSettingsSchema,
  type GcpServerGroupSettings,
  type GcpServerGroupSettingsInput,
  type GcpBakeSettings,
} from './settings';
