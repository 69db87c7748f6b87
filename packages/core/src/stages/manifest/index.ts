export * from './fields';
export { deployManifestStage, deployManifestFieldsSchema, deployManifestShape, artifactSchema, type DeployManifestFields, type ManifestArtifact } from './deployManifest';
export * from './targetStages';
