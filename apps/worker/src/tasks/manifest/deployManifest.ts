import { createHash } from 'node:crypto';
import {
  ARTIFACT_ANNOTATIONS,
  ManifestProblem,
  STRATEGY_ANNOTATIONS,
  annotationsOf,
  bindFromExecution,
  bindImages,
  canonicalJson,
  checkManifest,
  decideVersion,
  deployManifestFieldsSchema,
  deployStrategy,
  describeManifest,
  isPlainObject,
  imageArtifactOf,
  isVersioned,
  manifestNameOf,
  maxVersionHistory,
  rewriteReferences,
  spinnakerKind,
  stageTraffic,
  versionOf,
  versionsToPrune,
  withMoniker,
  type Artifact,
  type BoundImage,
  type DeployManifestFields,
  type Manifest,
  type Renamed,
} from '@gantry/core';
import { isProviderError } from '@gantry/providers';
import { forgetDeployedManifests, recordDeployedManifests, type SqlClient } from '@gantry/store';
import type { ApiResource, KubeJson, KubernetesManifests } from '@gantry/providers/kubernetes';
import { readFields } from '../readFields';
import { TaskFailure, TransientTaskError, type TaskContext } from '../Task';
import { flattenLists, manifestsInArtifact, requireBoundArtifact } from './artifacts';
import { setTraffic, withStageTraffic } from './traffic';
import { MANIFEST_REFS, manifestTask, manifestsOf, namesByNamespace, refOf, spinnakerName, type ManifestRef } from './context';

/** The content a deployed object was applied with, to tell changed from unchanged without comparing server defaults. */
export const CONTENT_HASH_ANNOTATION = 'gantry.io/content-hash';
const MANAGED_BY = 'gantry';

/**
 * Spinnaker's order of kinds within one deploy: what others refer to (namespaces, CRDs,
 * accounts and config) goes first, so a Deployment never starts before its ConfigMap exists.
 */
const KIND_ORDER = [
  'Namespace', 'CustomResourceDefinition', 'ResourceQuota', 'LimitRange', 'PriorityClass', 'StorageClass',
  'ServiceAccount', 'Secret', 'ConfigMap', 'PersistentVolume', 'PersistentVolumeClaim',
  'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Service',
].map((kind) => kind.toLowerCase());

function kindRank(kind: string): number {
  const index = KIND_ORDER.indexOf(kind.toLowerCase());
  return index === -1 ? KIND_ORDER.length : index;
}

/** The manifests the stage deploys, as written (text) or as its artifact holds them. */
async function sourceManifests(ctx: TaskContext, fields: DeployManifestFields): Promise<unknown[]> {
  if (fields.source === 'text') return flattenLists(fields.manifests ?? []);
  const artifact = fields.manifestArtifact ?? requireBoundArtifact(ctx, fields.manifestArtifactId ?? '', 'manifestArtifactId');
  return flattenLists(await manifestsInArtifact(ctx, artifact, fields.manifestArtifactAccount));
}

/** The artifacts bound to the stage (`requiredArtifacts`, `requiredArtifactIds`). */
function requiredArtifacts(ctx: TaskContext, fields: DeployManifestFields): Artifact[] {
  return [
    ...(fields.requiredArtifacts ?? []).map((required) => required.artifact ?? (required.expectedArtifact?.id === undefined ? undefined : requireBoundArtifact(ctx, required.expectedArtifact.id, 'requiredArtifacts'))),
    ...(fields.requiredArtifactIds ?? []).map((id) => requireBoundArtifact(ctx, id, 'requiredArtifactIds')),
  ].filter((artifact): artifact is Artifact => artifact !== undefined);
}

/** Bound docker images replace matching `image:` fields. */
function boundImages(artifacts: readonly Artifact[]): BoundImage[] {
  return artifacts.flatMap((artifact) =>
    artifact.type === 'docker/image' && artifact.name !== undefined && artifact.reference !== undefined ? [{ name: artifact.name, reference: artifact.reference }] : [],
  );
}

/**
 * Bound `kubernetes/configMap` and `kubernetes/secret` artifacts (an earlier deployManifest's, by
 * their base name) rename the references to them to the version they name, as clouddriver's
 * artifact replacer does.
 */
function boundObjects(artifacts: readonly Artifact[]): Renamed[] {
  const kinds: Record<string, string> = { 'kubernetes/configMap': 'ConfigMap', 'kubernetes/secret': 'Secret' };
  return artifacts.flatMap((artifact) => {
    const kind = kinds[artifact.type];
    return kind !== undefined && artifact.name !== undefined && artifact.reference !== undefined ? [{ kind, from: artifact.name, to: artifact.reference }] : [];
  });
}

function contentHash(manifest: Manifest): string {
  return `sha256:${createHash('sha256').update(canonicalJson(manifest)).digest('hex')}`;
}

function withAnnotations(manifest: Manifest, annotations: Record<string, string>): Manifest {
  return { ...manifest, metadata: { ...manifest.metadata, annotations: { ...annotationsOf(manifest), ...annotations } } };
}

interface Prepared {
  index: number;
  manifest: Manifest;
  resource: ApiResource;
  namespace: string | undefined;
  /** The Services a ReplicaSet is attached to (its traffic.spinnaker.io/load-balancers). */
  services: string[];
}

/**
 * The custom resources the stage's own CRDs define (served version first): a custom resource
 * deployed with its CRD is not in discovery before the CRD is applied.
 */
function definedInStage(values: unknown[]): ApiResource[] {
  return values.flatMap((value) => {
    if (!isPlainObject(value) || value.kind !== 'CustomResourceDefinition' || !isPlainObject(value.spec)) return [];
    const { group, names, scope, versions } = value.spec;
    if (typeof group !== 'string' || !isPlainObject(names) || typeof names.kind !== 'string' || typeof names.plural !== 'string' || !Array.isArray(versions)) return [];
    const { kind, plural } = names;
    return versions.flatMap((version) => (isPlainObject(version) && typeof version.name === 'string' && version.served !== false
      ? [{ apiVersion: `${group}/${version.name}`, kind, plural, namespaced: scope !== 'Cluster' }]
      : []));
  });
}

/** Checks every manifest and finds its resource and namespace; a bad one fails the stage naming it. */
async function prepare(client: KubernetesManifests, values: unknown[], fields: DeployManifestFields): Promise<Prepared[]> {
  const prepared: Omit<Prepared, 'services'>[] = [];
  const ownKinds = definedInStage(values);
  for (const [index, value] of values.entries()) {
    const manifest = checkManifest(value, index);
    let resource: ApiResource;
    try {
      resource = await client.resourceFor(manifest.kind, manifest.apiVersion);
    } catch (error) {
      const own = ownKinds.find((candidate) => candidate.kind === manifest.kind && candidate.apiVersion === manifest.apiVersion);
      if (own !== undefined && isProviderError(error) && !error.retryable) resource = own;
      else if (isProviderError(error) && !error.retryable) throw new ManifestProblem(`${describeManifest(manifest, index)}: ${error.reason}`);
      else throw error;
    }
    const written = typeof manifest.metadata.namespace === 'string' && manifest.metadata.namespace !== '' ? manifest.metadata.namespace : undefined;
    const namespace = resource.namespaced ? (fields.namespaceOverride || written || client.defaultNamespace) : undefined;
    if (namespace !== undefined) client.checkNamespace(namespace, 'deployManifest');
    prepared.push({ index, manifest, resource, namespace });
  }
  return withStageTraffic(client, prepared, stageTraffic(fields.trafficManagement));
}

interface Planned extends Prepared {
  /** The name it is deployed as (`-vNNN` for versioned kinds). */
  name: string;
  hash: string;
  /** An identical version, or an unchanged object, is already there: nothing to apply. */
  unchanged: boolean;
  /** Older versions to delete after the deploy (strategy.spinnaker.io/max-version-history). */
  prune: string[];
}

/** The live versions of a versioned object: same kind, same base name (artifact.spinnaker.io/name). */
async function versionsOf(client: KubernetesManifests, item: Prepared): Promise<KubeJson[]> {
  const base = item.manifest.metadata.name;
  return (await client.list(item.resource, item.namespace)).filter((object) => {
    const metadata = isPlainObject(object.metadata) ? object.metadata : {};
    return typeof metadata.name === 'string' && versionOf(metadata.name, base) !== undefined && annotationsOf(object)[ARTIFACT_ANNOTATIONS.name] === base;
  });
}

function nameOf(object: KubeJson): string {
  return isPlainObject(object.metadata) && typeof object.metadata.name === 'string' ? object.metadata.name : '';
}

/** Decides each versioned object's version (reusing an identical one), the renames that follow, and what is unchanged. */
async function plan(client: KubernetesManifests, items: Prepared[], app: string, required: readonly Artifact[]): Promise<{ planned: Planned[]; boundImages: string[] }> {
  const images = boundImages(required);
  const bound = new Set<string>();
  const withBoundImages = items.map((item) => {
    const binding = bindImages(item.manifest, images);
    for (const image of binding.bound) bound.add(image);
    return { ...item, manifest: binding.manifest };
  });
  const planned: Planned[] = [];
  const renamed: Renamed[] = boundObjects(required);
  // Versioned kinds first: the others' references to them are rewritten before they are hashed.
  for (const item of withBoundImages.filter((candidate) => isVersioned(candidate.manifest))) {
    const base = item.manifest.metadata.name;
    const labelled = withMoniker(item.manifest, { app }, MANAGED_BY);
    const hash = contentHash(labelled);
    const existing = await versionsOf(client, item);
    const version = decideVersion(base, hash, existing.map((object) => ({ name: nameOf(object), contentHash: annotationsOf(object)[CONTENT_HASH_ANNOTATION] })));
    const named = withMoniker({ ...item.manifest, metadata: { ...item.manifest.metadata, name: version.name } }, { app, cluster: manifestNameOf(item.manifest.kind, base), sequence: version.sequence }, MANAGED_BY);
    const manifest = withAnnotations(named, {
      [ARTIFACT_ANNOTATIONS.name]: base,
      [ARTIFACT_ANNOTATIONS.type]: `kubernetes/${spinnakerKind(item.manifest.kind)}`,
      [ARTIFACT_ANNOTATIONS.version]: `v${String(version.sequence).padStart(3, '0')}`,
      ...(item.namespace === undefined ? {} : { [ARTIFACT_ANNOTATIONS.location]: item.namespace }),
      [CONTENT_HASH_ANNOTATION]: hash,
    });
    const prune = versionsToPrune(base, [...new Set([...existing.map(nameOf), version.name])], maxVersionHistory(item.manifest)).filter((name) => name !== version.name);
    renamed.push({ kind: item.manifest.kind, from: base, to: version.name });
    planned.push({ ...item, manifest, name: version.name, hash, unchanged: version.reuse, prune });
  }
  for (const item of withBoundImages.filter((candidate) => !isVersioned(candidate.manifest))) {
    const labelled = withMoniker(rewriteReferences(item.manifest, renamed), { app }, MANAGED_BY);
    const hash = contentHash(labelled);
    const live = await client.get(item.resource, item.namespace, item.manifest.metadata.name);
    const manifest = withAnnotations(useSourceCapacity(labelled, live), { [CONTENT_HASH_ANNOTATION]: hash });
    // One being deleted (a recreate cut short) is not there to keep: it is created again once gone.
    const unchanged = live !== null && !isDeleting(live) && annotationsOf(live)[CONTENT_HASH_ANNOTATION] === hash;
    planned.push({ ...item, manifest, name: item.manifest.metadata.name, hash, unchanged, prune: [] });
  }
  return { planned: planned.sort((a, b) => kindRank(a.manifest.kind) - kindRank(b.manifest.kind) || a.index - b.index), boundImages: [...bound] };
}

function isDeleting(object: KubeJson): boolean {
  return isPlainObject(object.metadata) && typeof object.metadata.deletionTimestamp === 'string';
}

/**
 * Writes one object by its deploy strategy. Recreate deletes the live object and creates the new
 * one only once the old is gone; until then the task runs again, and a re-run after a crash
 * between the two finds nothing (or the object still going) and creates it: never a failure.
 */
async function deployOne(client: KubernetesManifests, item: Planned): Promise<KubeJson> {
  const manifest = { ...item.manifest, metadata: { ...item.manifest.metadata, ...(item.namespace === undefined ? {} : { namespace: item.namespace }) } };
  const strategy = deployStrategy(item.manifest);
  if (strategy === 'replace') return client.replace(manifest);
  if (strategy === 'recreate') {
    await client.delete(item.resource, item.namespace, item.name, { propagationPolicy: 'Foreground' });
    if (await client.get(item.resource, item.namespace, item.name) !== null) {
      throw new TransientTaskError(`${describeManifest(item.manifest, item.index)}: waiting for the old ${spinnakerName({ kind: item.resource.kind, name: item.name })} to be deleted before recreating it (strategy.spinnaker.io/recreate)`);
    }
  }
  return client.apply(manifest);
}

/** strategy.spinnaker.io/use-source-capacity: keep the live object's replicas (an autoscaler's choice) instead of the manifest's. */
function useSourceCapacity(manifest: Manifest, live: KubeJson | null): Manifest {
  if (annotationsOf(manifest)[STRATEGY_ANNOTATIONS.useSourceCapacity] !== 'true' || live === null) return manifest;
  const replicas = isPlainObject(live.spec) ? live.spec.replicas : undefined;
  if (typeof replicas !== 'number' || !isPlainObject(manifest.spec)) return manifest;
  return { ...manifest, spec: { ...manifest.spec, replicas } };
}

/** Spinnaker's artifact of a deployed object: `kubernetes/<kind>`, named by its base name, a version for versioned ones. */
function createdArtifact(item: Planned): Artifact {
  const annotations = annotationsOf(item.manifest);
  const version = annotations[ARTIFACT_ANNOTATIONS.version];
  return {
    type: `kubernetes/${spinnakerKind(item.resource.kind)}`,
    name: annotations[ARTIFACT_ANNOTATIONS.name] ?? item.name,
    reference: item.name,
    ...(item.namespace === undefined ? {} : { location: item.namespace }),
    ...(version === undefined ? {} : { version }),
  };
}

function refsOf(planned: readonly Planned[]): ManifestRef[] {
  return planned.map((item) => refOf(item.resource, item.name, item.namespace));
}

/**
 * `deployManifest`, step 1: applies the stage's manifests. Idempotent by content: a versioned
 * object whose content an existing version has is not deployed again (that version is used),
 * and an object whose live content hash is the one it would get is not re-applied, so a re-run
 * after a crash converges on the same objects and never makes a second version.
 */
export const deployManifestTask = manifestTask({
  name: 'deployManifest',
  async run(ctx) {
    const fields = readFields(deployManifestFieldsSchema, ctx);
    const client = await manifestsOf(ctx, fields);
    const app = fields.moniker?.app ?? ctx.execution.application;
    let planned: Planned[];
    let bound: string[];
    let required: Artifact[] = [];
    try {
      const values = await sourceManifests(ctx, fields);
      if (values.length === 0) throw new TaskFailure('there are no manifests to deploy');
      required = requiredArtifacts(ctx, fields);
      ({ planned, boundImages: bound } = await plan(client, await prepare(client, values, fields), app, required));
    } catch (error) {
      if (error instanceof ManifestProblem) throw new TaskFailure(error.message);
      throw error;
    }

    const applied: KubeJson[] = [];
    for (const item of planned) {
      if (item.unchanged) continue;
      try {
        applied.push(await deployOne(client, item));
      } catch (error) {
        // A CRD applied a moment ago may not serve its kind yet: the task runs again (idempotently) until it does.
        if (isProviderError(error) && error.kind === 'NotFound' && planned.some((other) => other.manifest.kind === 'CustomResourceDefinition')) {
          throw new TransientTaskError(`${describeManifest(item.manifest, item.index)}: ${error.reason} (waiting for its CustomResourceDefinition to be established)`, { cause: error });
        }
        // The API server's refusal (422 Invalid…) names the field; say which manifest it was about.
        if (isProviderError(error) && !error.retryable) throw new TaskFailure(`${describeManifest(item.manifest, item.index)}: ${error.reason}`);
        throw error;
      }
    }
    // A ReplicaSet redeployed unchanged (a rollback to an identical version) may have been disabled
    // since: with traffic enabled it serves again, as clouddriver's re-apply would make it.
    if (stageTraffic(fields.trafficManagement).enableTraffic) {
      for (const item of planned.filter((candidate) => candidate.unchanged && candidate.services.length > 0)) {
        const ref = refOf(item.resource, item.name, item.namespace);
        const live = await client.get(item.resource, item.namespace, item.name);
        if (live !== null) await setTraffic(client, ref, live, item.services, 'enable');
      }
    }
    const pruned: string[] = [];
    const prunedObjects: { account: string; namespace: string; kind: string; name: string }[] = [];
    for (const item of planned) {
      for (const name of item.prune) {
        if (await client.delete(item.resource, item.namespace, name, { propagationPolicy: 'Background' })) pruned.push(spinnakerName({ kind: item.resource.kind, name }));
        prunedObjects.push({ account: client.account.name, namespace: item.namespace ?? '', kind: item.resource.kind, name });
      }
    }
    // What was applied is each object's desired state from now on (drift compares with it); it commits with the result.
    const deployed = planned.map((item) => ({
      account: client.account.name,
      namespace: item.namespace ?? '',
      kind: item.resource.kind,
      name: item.name,
      apiVersion: item.resource.apiVersion,
      application: app,
      manifest: { ...item.manifest, metadata: { ...item.manifest.metadata, ...(item.namespace === undefined ? {} : { namespace: item.namespace }) } },
      executionId: ctx.execution.id,
      stageId: ctx.stage.id,
    }));

    // Orca's PromoteManifestKatoOutputsTask and BindProducedArtifactsTask: the deployed objects are
    // the stage's artifacts (`kubernetes/deployment` named by base name, the version deployed as
    // reference), and the stage's own expected artifacts bind to them for later stages.
    const created = planned.map(createdArtifact);
    const produced = bindFromExecution(fields.expectedArtifacts ?? [], created, 'the manifests deployed');
    if (!produced.ok) throw new TaskFailure(`expectedArtifacts: ${produced.reason}`);
    const refs = refsOf(planned);
    return {
      status: 'SUCCEEDED',
      outputs: {
        [MANIFEST_REFS]: refs,
        'deploy.account.name': client.account.name,
        'outputs.manifestNamesByNamespace': namesByNamespace(refs),
        'outputs.manifests': applied,
        'outputs.unchangedManifests': planned.filter((item) => item.unchanged).map((item) => spinnakerName({ kind: item.resource.kind, name: item.name })),
        'outputs.prunedManifests': pruned,
        'outputs.createdArtifacts': created,
        'outputs.boundArtifacts': [...bound.map(imageArtifactOf), ...required.filter((artifact) => boundObjects([artifact]).length > 0)],
        artifacts: created,
        resolvedExpectedArtifacts: produced.resolvedExpectedArtifacts,
      },
      effect: async (sql) => {
        await recordDeployedManifests(sql as SqlClient, deployed);
        await forgetDeployedManifests(sql as SqlClient, prunedObjects);
      },
    };
  },
});
