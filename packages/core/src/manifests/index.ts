export * from './manifest';
export * from './versioning';
export * from './moniker';
export * from './stability';
export * from './selection';
export * from './traffic';
export * from './jobs';
export * from './bake';
