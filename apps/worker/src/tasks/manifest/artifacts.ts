import { artifactSchema, isPlainObject, type Artifact } from '@gantry/core';
import { parseAllDocuments } from 'yaml';
import { ArtifactError } from '@gantry/providers';
import { TaskFailure, TransientTaskError, type TaskContext } from '../Task';

/**
 * Artifacts as Spinnaker binds them to a stage: an expected artifact's `id` names the artifact a
 * trigger or an earlier stage (a bake) bound to it, found in `resolvedExpectedArtifacts` (or
 * `expectedArtifacts`) of the trigger and of the stages' outputs.
 */
export function boundArtifact(ctx: TaskContext, id: string): Artifact | undefined {
  const places: unknown[] = [
    ctx.execution.trigger.resolvedExpectedArtifacts,
    ctx.execution.trigger.expectedArtifacts,
    ...Object.values(ctx.execution.stages).map((stage) => stage.outputs.resolvedExpectedArtifacts),
  ];
  for (const place of places) {
    if (!Array.isArray(place)) continue;
    const expected: unknown = place.find((candidate) => isPlainObject(candidate) && candidate.id === id);
    if (!isPlainObject(expected)) continue;
    const artifact = expected.boundArtifact ?? (expected.useDefaultArtifact === true ? expected.defaultArtifact : undefined);
    const parsed = artifactSchema.safeParse(artifact);
    if (parsed.success) return parsed.data;
  }
  return undefined;
}

export function requireBoundArtifact(ctx: TaskContext, id: string, field: string): Artifact {
  const artifact = boundArtifact(ctx, id);
  if (artifact === undefined) throw new TaskFailure(`${field}: no artifact is bound to expected artifact ${id} (by the trigger or an earlier stage)`);
  return artifact;
}

/**
 * A fetch through an artifact account that failed: worth retrying (a 5xx, the network) or not
 * (not found, credentials refused), said with the stage field it was for.
 */
export function artifactFailure(error: unknown, field: string): never {
  if (error instanceof ArtifactError) {
    if (error.kind === 'transient') throw new TransientTaskError(`${field}: ${error.message}`, { cause: error });
    throw new TaskFailure(`${field}: ${error.message}`);
  }
  throw error;
}

/** The bytes of a file artifact, through `account` (else its `artifactAccount`; embedded ones carry them). */
export async function downloadArtifact(ctx: TaskContext, artifact: Artifact, account: string | undefined, field: string): Promise<Buffer> {
  try {
    return await ctx.services.artifacts.download(artifact, account);
  } catch (error) {
    return artifactFailure(error, field);
  }
}

/**
 * The manifests an artifact holds: YAML documents (a `List` is unpacked), from its content
 * (`embedded/base64`, what bakes produce) or fetched through its artifact account (`http/file`,
 * `github/file`, `gitlab/file`).
 */
export async function manifestsInArtifact(ctx: TaskContext, artifact: Artifact, account: string | undefined): Promise<unknown[]> {
  const text = (await downloadArtifact(ctx, artifact, account, 'manifestArtifact')).toString('utf8');
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [documents];
  const values: unknown[] = [];
  for (const [index, document] of list.entries()) {
    if (document.errors.length > 0) throw new TaskFailure(`manifest artifact ${artifact.name ?? ''}: YAML document ${index} is invalid: ${document.errors[0]?.message ?? ''}`);
    const value: unknown = document.toJS();
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

/** `kind: List` documents hold their manifests in `items`. */
export function flattenLists(manifests: readonly unknown[]): unknown[] {
  return manifests.flatMap((manifest): unknown[] => (isPlainObject(manifest) && manifest.kind === 'List' && Array.isArray(manifest.items) ? (manifest.items as unknown[]) : [manifest]));
}
