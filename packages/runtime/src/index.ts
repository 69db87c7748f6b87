export * from './infrastructure';
export * from './logger';
export * from './main';
export * from './shutdown';
export * from './processMetrics';
