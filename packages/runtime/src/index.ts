export * from './infrastructure';
export * from './logger';
export * from './shutdown';
