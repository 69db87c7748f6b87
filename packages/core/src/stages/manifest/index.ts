export * from './fields';
export { deployManifestStage, deployManifestFieldsSchema, deployManifestShape, type DeployManifestFields } from './deployManifest';
export * from './targetStages';
export * from './runJobManifest';
export * from './bakeManifest';
export { syncManifestsStage, syncManifestsFieldsSchema, type SyncManifestsFields } from './syncManifests';
