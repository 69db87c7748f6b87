export * from './tracing';
export * from './spans';
export * from './http';
export * from './server';
