export * from './config';
export * from './artifactAccounts';
