/**
 * The `/scale` subresource of Deployments, answering autoscaling/v1 Scale objects: what
 * `kubectl scale` and client-node's `*DeploymentScale` calls speak.
 */
import { isObject, numberAt, objectAt, stringAt, type JsonObject } from './json';
import { requireObject } from './handlers';
import { applyPatch } from './patching';
import { isDryRun, parseObjectBody, type ApiResponse, type ResourceRequest } from './request';
import { requirementsOfSelector, selectorString } from './selectors';
import { badRequest, invalid, methodNotAllowed, type FieldCause } from './status';
import type { KubeObject, ObjectStore } from './store';
import { checkResourceVersion, commit, prepareUpdate } from './writes';

function scaleOf(deployment: KubeObject): JsonObject {
  const metadata = deployment.metadata;
  const selector = objectAt(deployment, 'spec', 'selector');
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: metadata.name ?? null,
      namespace: metadata.namespace ?? null,
      uid: metadata.uid ?? null,
      resourceVersion: metadata.resourceVersion ?? null,
      creationTimestamp: metadata.creationTimestamp ?? null,
    },
    spec: { replicas: numberAt(deployment, 'spec', 'replicas') ?? 0 },
    status: {
      replicas: numberAt(deployment, 'status', 'replicas') ?? 0,
      selector: selector ? selectorString(requirementsOfSelector(selector)) : '',
    },
  };
}

function setReplicas(store: ObjectStore, request: ResourceRequest, deployment: KubeObject, scale: JsonObject): ApiResponse {
  const name = request.name ?? '';
  if (scale.kind !== undefined && scale.kind !== 'Scale') throw badRequest(`the kind in the data (${String(scale.kind)}) does not match the expected kind (Scale)`);
  checkResourceVersion(request.resource, name, stringAt(scale, 'metadata', 'resourceVersion'), deployment);
  const replicas = objectAt(scale, 'spec')?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    const cause: FieldCause = { reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0` };
    throw invalid({ ...request.resource, kind: 'Scale', group: 'autoscaling' }, name, [cause]);
  }
  const spec = isObject(deployment.spec) ? deployment.spec : {};
  const incoming: KubeObject = { ...deployment, spec: { ...spec, replicas } };
  const next = prepareUpdate(request.resource, incoming, deployment);
  return { status: 200, body: scaleOf(commit(store, request.resource, next, deployment, isDryRun(request))) };
}

export function handleScale(store: ObjectStore, request: ResourceRequest): ApiResponse {
  const deployment = requireObject(store, request);
  switch (request.method) {
    case 'GET':
      return { status: 200, body: scaleOf(deployment) };
    case 'PUT':
      return setReplicas(store, request, deployment, parseObjectBody(request));
    case 'PATCH': {
      const patched = applyPatch(request.resource, scaleOf(deployment), request);
      if (!isObject(patched)) throw badRequest('the patch did not produce an object');
      return setReplicas(store, request, deployment, patched);
    }
    default:
      throw methodNotAllowed(`${request.method} on ${request.resource.name}/scale`);
  }
}
