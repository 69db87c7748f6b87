export { buildServer, DEFAULT_BODY_LIMIT_BYTES, API_PREFIX, type ServerDeps } from './server';
export type { ReadinessCheck } from './routes/health';
export * from './compose';
export { PostgresClusterIndex, type ClusterIndex } from './routes/applications';
