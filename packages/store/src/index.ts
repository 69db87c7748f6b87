export * from './types';
export * from './database';
export * from './migrations';
export * from './executionRows';
export * from './executionViews';
export * from './ExecutionRepository';
export * from './ExecutionCommands';
export * from './PipelineRepository';
