export { LocalProvider, type LocalProviderOptions } from './LocalProvider';
export { localServerGroupSettingsSchema, type LocalServerGroupSettings, type LocalServerGroupSettingsInput } from './settings';
export { hashFolder, bakeFolder, IMAGE_ID as LOCAL_IMAGE_ID } from './bake';
export { localDataDir } from './dataDir';
export { stopAgent } from './agentProcess';
export { SAMPLE_METRICS, type SampleMetric, type SamplesAnswer } from './protocol';
