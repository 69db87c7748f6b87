export * from './CloudProvider';
