import type { V1ContainerStatus, V1Deployment, V1Pod } from '@kubernetes/client-node';
import type { Capacity, Health, ServerGroup, ServerGroupInstance } from '../CloudProvider';
import { parseServerGroupName } from '@gantry/core';
import { ANNOTATIONS, LABELS } from './labels';

/** Pure reading of what the API returned: Deployment + pods → ServerGroup and Health. */

/** Container states that will not become ready without someone changing something. */
const FAILING_WAITING_REASONS = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'ErrImageNeverPull',
]);

export function isOurServerGroup(deployment: V1Deployment, name: string): boolean {
  return deployment.metadata?.labels?.[LABELS.serverGroup] === name;
}

function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
}

function containerFailing(status: V1ContainerStatus): boolean {
  const reason = status.state?.waiting?.reason;
  if (reason !== undefined && FAILING_WAITING_REASONS.has(reason)) return true;
  const exitCode = status.state?.terminated?.exitCode;
  return exitCode !== undefined && exitCode !== 0;
}

function isFailing(pod: V1Pod): boolean {
  if (pod.status?.phase === 'Failed') return true;
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  return statuses.some(containerFailing);
}

/** A pod is an instance; one being deleted is leaving and is left out. */
export function podInstances(pods: readonly V1Pod[]): ServerGroupInstance[] {
  return pods.filter((pod) => !pod.metadata?.deletionTimestamp && pod.metadata?.name !== undefined).map((pod) => ({ id: pod.metadata?.name ?? '', healthy: isReady(pod) }));
}

/**
 * Instances by state. Pods being deleted no longer count (they are leaving). Without any pod to
 * look at (none created yet, or pods not readable) the Deployment's own counters are used.
 */
export function computeHealth(deployment: V1Deployment, pods: readonly V1Pod[]): Health {
  const desired = deployment.spec?.replicas ?? 0;
  const live = pods.filter((pod) => !pod.metadata?.deletionTimestamp);
  if (live.length === 0) {
    const ready = deployment.status?.readyReplicas ?? 0;
    const total = deployment.status?.replicas ?? 0;
    return { desired, up: ready, down: 0, unknown: Math.max(0, total - ready) };
  }
  let up = 0;
  let down = 0;
  for (const pod of live) {
    if (isReady(pod)) up++;
    else if (isFailing(pod)) down++;
  }
  return { desired, up, down, unknown: live.length - up - down };
}

function annotationNumber(deployment: V1Deployment, key: string): number | undefined {
  const value = deployment.metadata?.annotations?.[key];
  if (value === undefined) return undefined;
  const number = Number(value);
  return Number.isInteger(number) && number >= 0 ? number : undefined;
}

/** Replicas are the truth for desired; min/max live in annotations (a Deployment has no such fields). */
export function readCapacity(deployment: V1Deployment): Capacity {
  const desired = deployment.spec?.replicas ?? 0;
  const min = annotationNumber(deployment, ANNOTATIONS.capacityMin) ?? desired;
  const max = annotationNumber(deployment, ANNOTATIONS.capacityMax) ?? desired;
  return { min: Math.min(min, desired), max: Math.max(max, desired), desired };
}

export function isEnabled(deployment: V1Deployment): boolean {
  return deployment.spec?.template?.metadata?.labels?.[LABELS.traffic] === 'enabled';
}

function toDate(value: Date | string | undefined): Date {
  if (value instanceof Date) return value;
  return value === undefined ? new Date(0) : new Date(value);
}

export function toServerGroup(deployment: V1Deployment, pods: readonly V1Pod[], account: string): ServerGroup {
  const metadata = deployment.metadata ?? {};
  const name = metadata.name ?? '';
  const parsed = parseServerGroupName(name);
  const labels = metadata.labels ?? {};
  const container = deployment.spec?.template?.spec?.containers?.[0];
  return {
    account,
    ...(metadata.namespace === undefined ? {} : { location: metadata.namespace }),
    application: labels[LABELS.application] ?? '',
    cluster: labels[LABELS.cluster] ?? parsed?.cluster ?? '',
    name,
    sequence: parsed?.sequence ?? 0,
    image: container?.image ?? metadata.annotations?.[ANNOTATIONS.image] ?? '',
    capacity: readCapacity(deployment),
    enabled: isEnabled(deployment),
    createdAt: toDate(metadata.creationTimestamp),
    health: computeHealth(deployment, pods),
    details: {
      namespace: metadata.namespace,
      uid: metadata.uid,
      resourceVersion: metadata.resourceVersion,
      generation: metadata.generation,
      observedGeneration: deployment.status?.observedGeneration,
      readyReplicas: deployment.status?.readyReplicas ?? 0,
      updatedReplicas: deployment.status?.updatedReplicas ?? 0,
      conditions: (deployment.status?.conditions ?? []).map((condition) => ({
        type: condition.type,
        status: condition.status,
        reason: condition.reason,
        message: condition.message,
      })),
    },
  };
}

/** Pods grouped by their server group label, for listing a whole cluster with one pod call. */
export function podsByServerGroup(pods: readonly V1Pod[]): Map<string, V1Pod[]> {
  const groups = new Map<string, V1Pod[]>();
  for (const pod of pods) {
    const name = pod.metadata?.labels?.[LABELS.serverGroup];
    if (name === undefined) continue;
    const group = groups.get(name);
    if (group) group.push(pod);
    else groups.set(name, [pod]);
  }
  return groups;
}
