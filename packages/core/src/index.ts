export * from './status';
export * from './errors';
