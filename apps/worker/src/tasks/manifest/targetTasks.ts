import {
  MONIKER_ANNOTATIONS,
  ManifestProblem,
  loadBalancersOf,
  serviceNamesOf,
  trafficManifestFieldsSchema,
  type TrafficAction,
  annotationsOf,
  containerImages,
  imageArtifactOf,
  deleteManifestFieldsSchema,
  isPlainObject,
  labelSelectorText,
  manifestAccountFieldsSchema,
  manifestTargetFieldsSchema,
  parseManifestName,
  patchManifestFieldsSchema,
  pickByCriteria,
  referencedObjects,
  spinnakerKind,
  sameKind,
  scaleManifestFieldsSchema,
  selectorMode,
  stableTimeoutFieldsSchema,
  stableTimeoutMs,
  undoRolloutManifestFieldsSchema,
  type ManifestTargetFields,
} from '@gantry/core';
import type { KubeJson, KubernetesManifests } from '@gantry/providers/kubernetes';
import { forgetDeployedManifests, rebaseDeployedManifest, type SqlClient } from '@gantry/store';
import { z } from 'zod';
import { ACT_AGAIN_MS, nextPollMs, timeLeftMs } from '../cloud/poll';
import { readFields } from '../readFields';
import { TaskFailure, type TaskContext, type TransactionalEffect } from '../Task';
import { setTraffic } from './traffic';
import { MANIFEST_REFS, describeRef, failOn, manifestTask, manifestsOf, namesByNamespace, recordedRefs, refOf, spinnakerName, type ManifestRef } from './context';

/** Finds the object of a `mode: dynamic` stage: the cluster's objects by moniker, then the criteria. */
async function dynamicTarget(client: KubernetesManifests, fields: ManifestTargetFields, application: string, namespace: string): Promise<ManifestRef> {
  const cluster = fields.cluster ?? '';
  const kind = fields.kind ?? parseManifestName(cluster).kind;
  const resource = await client.resourceFor(kind);
  const app = fields.app ?? application;
  const members = (await client.list(resource, namespace)).filter((object) => {
    const annotations = annotationsOf(object);
    const memberCluster = annotations[MONIKER_ANNOTATIONS.cluster];
    if (memberCluster === undefined || annotations[MONIKER_ANNOTATIONS.application] !== app) return false;
    const wanted = parseManifestName(cluster);
    const found = parseManifestName(memberCluster);
    return sameKind(wanted.kind, found.kind) && wanted.name === found.name;
  });
  const chosen = pickByCriteria(members, fields.criteria ?? 'newest');
  const name = isPlainObject(chosen?.metadata) ? chosen.metadata.name : undefined;
  if (typeof name !== 'string') {
    throw new TaskFailure(`no ${fields.criteria ?? 'newest'} ${resource.kind} of cluster "${cluster}" (application ${app}) in ${namespace}: it has ${members.length} member(s)`);
  }
  return refOf(resource, name, namespace);
}

/** deleteManifest `mode: label`: every object of the `kinds` whose labels match the selectors. */
async function labelledTargets(client: KubernetesManifests, fields: ManifestTargetFields, namespace: string): Promise<ManifestRef[]> {
  const selector = labelSelectorText(fields.labelSelectors ?? { selectors: [] });
  const refs: ManifestRef[] = [];
  for (const kind of fields.kinds ?? []) {
    const resource = await client.resourceFor(kind);
    for (const object of await client.list(resource, namespace, selector)) {
      if (isPlainObject(object.metadata) && typeof object.metadata.name === 'string') refs.push(refOf(resource, object.metadata.name, namespace));
    }
  }
  return refs;
}

/**
 * First task of every manifest stage that acts on a deployed object: finds it (static: by
 * `manifestName`; dynamic: by cluster and criteria) and records it in the outputs, where the next
 * tasks read it, so a re-run after a crash acts on the same object.
 */
export const determineManifestTargetTask = manifestTask({
  name: 'determineManifestTarget',
  async run(ctx) {
    const fields = readFields(manifestTargetFieldsSchema, ctx);
    const client = await manifestsOf(ctx, fields);
    const namespace = fields.location ?? client.defaultNamespace;
    client.checkNamespace(namespace, ctx.stage.type);
    let refs: ManifestRef[];
    const mode = selectorMode(fields);
    if (mode === 'static') {
      const { kind, name } = parseManifestName(fields.manifestName ?? '');
      refs = [refOf(await client.resourceFor(kind), name, namespace)];
    } else if (mode === 'dynamic') {
      refs = [await dynamicTarget(client, fields, ctx.execution.application, namespace)];
    } else {
      refs = await labelledTargets(client, fields, namespace);
    }
    return { status: 'SUCCEEDED', outputs: { [MANIFEST_REFS]: refs, 'outputs.manifestNamesByNamespace': namesByNamespace(refs), 'deploy.account.name': client.account.name } };
  },
});

/** The recorded object, live; a TaskFailure naming it when it does not exist. */
async function liveTarget(ctx: TaskContext, client: KubernetesManifests): Promise<{ ref: ManifestRef; live: KubeJson }> {
  const [ref] = recordedRefs(ctx);
  if (ref === undefined) throw new TaskFailure(`${ctx.task.name}: no object was recorded for this stage`);
  const live = await client.get(await client.resourceFor(ref.kind, ref.apiVersion), ref.namespace, ref.name);
  if (live === null) throw failOn(ref, 'does not exist');
  return { ref, live };
}

/** `deleteManifest`: deletes the recorded object; one already gone counts as deleted (a repeat after a crash). */
export const deleteManifestTask = manifestTask({
  name: 'deleteManifest',
  async run(ctx) {
    const fields = readFields(deleteManifestFieldsSchema, ctx);
    const client = await manifestsOf(ctx, fields);
    const deleted: string[] = [];
    for (const ref of recordedRefs(ctx)) {
      const resource = await client.resourceFor(ref.kind, ref.apiVersion);
      const gone = await client.delete(resource, ref.namespace, ref.name, {
        propagationPolicy: fields.options?.cascading === false ? 'Orphan' : 'Background',
        ...(fields.options?.gracePeriodSeconds === undefined || fields.options.gracePeriodSeconds === null ? {} : { gracePeriodSeconds: fields.options.gracePeriodSeconds }),
      });
      if (gone) deleted.push(spinnakerName(ref));
    }
    const forgotten = recordedRefs(ctx).map((ref) => ({ account: client.account.name, namespace: ref.namespace ?? '', kind: ref.kind, name: ref.name }));
    return { status: 'SUCCEEDED', outputs: { 'outputs.deletedManifests': deleted }, effect: (sql) => forgetDeployedManifests(sql as SqlClient, forgotten) };
  },
});

/** `deleteManifest`, step 2: until the objects are gone (finalizers may hold them a while). */
export const waitForManifestDeletedTask = manifestTask({
  name: 'waitForManifestDeleted',
  async run(ctx) {
    const timeoutMs = stableTimeoutMs(readFields(stableTimeoutFieldsSchema, ctx));
    const client = await manifestsOf(ctx, readFields(manifestAccountFieldsSchema, ctx));
    const remaining: string[] = [];
    for (const ref of recordedRefs(ctx)) {
      if ((await client.get(await client.resourceFor(ref.kind, ref.apiVersion), ref.namespace, ref.name)) !== null) remaining.push(describeRef(ref));
    }
    if (remaining.length === 0) return { status: 'SUCCEEDED' };
    const remainingMs = timeLeftMs(ctx.task, timeoutMs);
    if (remainingMs <= 0) return { status: 'TERMINAL', error: `still not deleted after ${timeoutMs / 1000} s (waitForStableTimeoutSec): ${remaining.join(', ')}` };
    return { status: 'RUNNING', retryAfterMs: nextPollMs(ctx.task.polls, remainingMs) };
  },
});

/** `scaleManifest`: sets `spec.replicas` (a merge patch: the same patch again changes nothing). */
export const scaleManifestTask = manifestTask({
  name: 'scaleManifest',
  async run(ctx) {
    const fields = readFields(scaleManifestFieldsSchema, ctx);
    const client = await manifestsOf(ctx, fields);
    const { ref, live } = await liveTarget(ctx, client);
    if (!isPlainObject(live.spec) || !('replicas' in live.spec)) throw failOn(ref, `a ${ref.kind} has no spec.replicas to scale`);
    const scaled = await client.patch(await client.resourceFor(ref.kind, ref.apiVersion), ref.namespace, ref.name, 'merge', { spec: { replicas: fields.replicas } });
    return { status: 'SUCCEEDED', outputs: { replicas: fields.replicas }, effect: rebase(ctx, client, ref, scaled) };
  },
});

/** `patchManifest`: the stage's patch, as a strategic merge (default), JSON merge or JSON patch. */
export const patchManifestTask = manifestTask({
  name: 'patchManifest',
  async run(ctx) {
    const fields = readFields(patchManifestFieldsSchema, ctx);
    const client = await manifestsOf(ctx, fields);
    const [ref] = recordedRefs(ctx);
    if (ref === undefined) throw new TaskFailure('patchManifest: no object was recorded for this stage');
    const patched = await client.patch(await client.resourceFor(ref.kind, ref.apiVersion), ref.namespace, ref.name, fields.options?.mergeStrategy ?? 'strategic', fields.patchBody);
    return { status: 'SUCCEEDED', outputs: { 'outputs.manifests': [patched] }, effect: rebase(ctx, client, ref, patched) };
  },
});

const REVISION = 'deployment.kubernetes.io/revision';

const undoStateSchema = z.object({ revision: z.number(), replicaSet: z.string(), template: z.record(z.string(), z.unknown()) });

/** The ReplicaSets a Deployment owns, by revision (ascending), as `kubectl rollout history` lists them. */
async function revisionsOf(client: KubernetesManifests, ref: ManifestRef, deployment: KubeJson): Promise<{ revision: number; name: string; template: Record<string, unknown> }[]> {
  const uid = isPlainObject(deployment.metadata) ? deployment.metadata.uid : undefined;
  const replicaSets = await client.list(await client.resourceFor('ReplicaSet', 'apps/v1'), ref.namespace);
  return replicaSets
    .filter((rs) => isPlainObject(rs.metadata) && Array.isArray(rs.metadata.ownerReferences) && rs.metadata.ownerReferences.some((owner) => isPlainObject(owner) && owner.uid === uid && owner.controller === true))
    .map((rs) => ({
      revision: Number(annotationsOf(rs)[REVISION]),
      name: String(isPlainObject(rs.metadata) ? rs.metadata.name : ''),
      template: isPlainObject(rs.spec) && isPlainObject(rs.spec.template) ? rs.spec.template : {},
    }))
    .filter((rs) => Number.isInteger(rs.revision))
    .sort((a, b) => a.revision - b.revision);
}

/** A ReplicaSet's template as a Deployment's: without the `pod-template-hash` label the controller added. */
function deploymentTemplate(template: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(template);
  if (isPlainObject(copy.metadata) && isPlainObject(copy.metadata.labels)) delete copy.metadata.labels['pod-template-hash'];
  return copy;
}

/**
 * `undoRolloutManifest`: the Deployment's template goes back to the ReplicaSet `numRevisionsBack`
 * revisions before the newest (Spinnaker's, which runs `kubectl rollout undo --to-revision`). The
 * first run only chooses and records that revision; the next applies it. A re-run after the
 * rollback must not count back again from the revision the rollback itself created.
 */
export const undoRolloutManifestTask = manifestTask({
  name: 'undoRolloutManifest',
  async run(ctx) {
    const fields = readFields(undoRolloutManifestFieldsSchema, ctx);
    const client = await manifestsOf(ctx, fields);
    const { ref, live } = await liveTarget(ctx, client);
    if (!/^deployment$/i.test(ref.kind)) throw failOn(ref, 'undoRolloutManifest rolls back Deployments only');
    const recorded = undoStateSchema.safeParse(ctx.task.state);
    if (!recorded.success) {
      const revisions = await revisionsOf(client, ref, live);
      const target = revisions[revisions.length - 1 - fields.numRevisionsBack];
      if (target === undefined) {
        throw failOn(ref, `cannot go back ${fields.numRevisionsBack} revision(s): it has ${revisions.length} (${revisions.map((r) => r.revision).join(', ') || 'none'})`);
      }
      return { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS, state: { revision: target.revision, replicaSet: target.name, template: deploymentTemplate(target.template) } };
    }
    const { revision, replicaSet, template } = recorded.data;
    const undone = await client.patch(await client.resourceFor(ref.kind, ref.apiVersion), ref.namespace, ref.name, 'json', [{ op: 'replace', path: '/spec/template', value: template }]);
    return { status: 'SUCCEEDED', outputs: { revision, replicaSet, 'outputs.manifestNamesByNamespace': namesByNamespace([ref]) }, effect: rebase(ctx, client, ref, undone) };
  },
});

const RESTARTABLE = ['deployment', 'statefulset', 'daemonset'];

/**
 * `rollingRestartManifest`: as `kubectl rollout restart`, a `kubectl.kubernetes.io/restartedAt`
 * annotation on the pod template makes the controller replace every pod. The time is the
 * stage's start, so a re-run after a crash writes the same value and restarts nothing twice.
 */
export const rollingRestartManifestTask = manifestTask({
  name: 'rollingRestartManifest',
  async run(ctx) {
    const client = await manifestsOf(ctx, readFields(manifestAccountFieldsSchema, ctx));
    const { ref } = await liveTarget(ctx, client);
    if (!RESTARTABLE.includes(ref.kind.toLowerCase())) throw failOn(ref, `only ${RESTARTABLE.join(', ')} can be restarted`);
    const restartedAt = ctx.stage.startTime.toISOString();
    const patch = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } } } } };
    const restarted = await client.patch(await client.resourceFor(ref.kind, ref.apiVersion), ref.namespace, ref.name, 'strategic', patch);
    return { status: 'SUCCEEDED', outputs: { restartedAt }, effect: rebase(ctx, client, ref, restarted) };
  },
});

/** `findArtifactsFromResource`: the recorded object and the artifacts it uses, for later stages to bind. */
export const findArtifactsFromResourceTask = manifestTask({
  name: 'findArtifactsFromResource',
  async run(ctx) {
    const client = await manifestsOf(ctx, readFields(manifestAccountFieldsSchema, ctx));
    const { ref, live } = await liveTarget(ctx, client);
    const artifacts = [
      ...containerImages(live).map(imageArtifactOf),
      ...referencedObjects(live).map((object) => ({
        type: `kubernetes/${spinnakerKind(object.kind)}`, name: object.name, reference: object.name, ...(ref.namespace === undefined ? {} : { location: ref.namespace }),
      })),
    ];
    return { status: 'SUCCEEDED', outputs: { manifest: live, artifacts } };
  },
});

/**
 * `enableManifest` / `disableManifest` (clouddriver's enable/disable manifest operation): for
 * each Service of the ReplicaSet's `traffic.spinnaker.io/load-balancers` annotation (or the
 * stage's `loadBalancers`), the Service's selector labels are added to or removed from the pod
 * template and the pods (`setTraffic`).
 */
function trafficTask<Name extends 'enableManifest' | 'disableManifest'>(name: Name, action: TrafficAction) {
  return manifestTask({
    name,
    async run(ctx) {
      const fields = readFields(trafficManifestFieldsSchema, ctx);
      const client = await manifestsOf(ctx, fields);
      const { ref, live } = await liveTarget(ctx, client);
      if (!/^replicaset$/i.test(ref.kind)) throw failOn(ref, `${name} acts on ReplicaSets (their traffic.spinnaker.io/load-balancers Services), not on a ${ref.kind}`);
      let serviceNames: string[];
      try {
        const given = fields.loadBalancers ?? [];
        serviceNames = given.length > 0 ? serviceNamesOf(given, 'loadBalancers') : loadBalancersOf(live);
      } catch (error) {
        if (error instanceof ManifestProblem) throw failOn(ref, error.message);
        throw error;
      }
      if (serviceNames.length === 0) throw failOn(ref, 'has no traffic.spinnaker.io/load-balancers annotation naming its Services ("service <name>")');
      const patchedPods = await setTraffic(client, ref, live, serviceNames, action);
      const after = await client.get(await client.resourceFor(ref.kind, ref.apiVersion), ref.namespace, ref.name);
      return {
        status: 'SUCCEEDED',
        outputs: { loadBalancers: serviceNames.map((s) => `service ${s}`), patchedPods, 'outputs.manifestNamesByNamespace': namesByNamespace([ref]) },
        ...(after === null ? {} : { effect: rebase(ctx, client, ref, after) }),
      };
    },
  });
}

export const enableManifestTask = trafficTask('enableManifest', 'enable');
export const disableManifestTask = trafficTask('disableManifest', 'disable');

/**
 * A stage changed a deployed object on purpose: what it left running becomes the object's desired
 * state (drift compares with it), committed with the task's result.
 */
function rebase(ctx: TaskContext, client: KubernetesManifests, ref: ManifestRef, live: KubeJson): TransactionalEffect {
  const resource = { account: client.account.name, namespace: ref.namespace ?? '', kind: ref.kind, name: ref.name };
  return (sql) => rebaseDeployedManifest(sql as SqlClient, resource, live, { executionId: ctx.execution.id, stageId: ctx.stage.id });
}
