export * from './CloudProvider';
export * from './errors';
export * from './retry';
export * from './validation';
export * from './accounts';
export * from './RetryingProvider';
export * from './ProviderRegistry';
export * from './LazyProvider';
