export * from './infrastructure';
export * from './logger';
export * from './main';
export * from './shutdown';
export * from './processMetrics';
export * from './startupError';
export * from './embeddedPostgres';
export * from './bootstrap';
