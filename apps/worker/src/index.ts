export * from './WorkerRuntime';
export * from './tasks';
export type { RetryPolicy, EngineLogger } from './engine/EngineContext';
export * from './compose';
export type { JenkinsMasterSetting, MetricsAccountSetting } from './services';
