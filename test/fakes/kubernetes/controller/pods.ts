/**
 * Pods as the Deployment controller and kubelet would leave them: named
 * `<deployment>-<template hash>-<random>`, owned by a (not served) ReplicaSet, and moving from
 * Pending to Running+Ready, or to Running with a crash-looping container.
 */
import { createHash, randomBytes } from 'node:crypto';
import { encodeNamePart, randomNameSuffix } from '../generatedNames';
import { arrayAt, isObject, objectAt, stringAt, stringMap, type Json, type JsonObject } from '../json';
import { nameOf, namespaceOf, timestamp, type KubeObject } from '../store';

/** Key order must not change the hash: the same template always gives the same pods' hash. */
function canonical(value: Json | undefined): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function templateHash(template: Json | undefined): string {
  return encodeNamePart(createHash('sha256').update(canonical(template)).digest(), 10);
}

/** A stable uid for the synthetic ReplicaSet of one deployment and template. */
export function replicaSetUid(deploymentUid: string, hash: string): string {
  const hex = createHash('sha256').update(`${deploymentUid}/${hash}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function replicaSetName(deployment: KubeObject, hash: string): string {
  return `${nameOf(deployment)}-${hash}`;
}

export function podHash(pod: KubeObject): string {
  return stringAt(pod, 'metadata', 'labels', 'pod-template-hash') ?? '';
}

export function ownerOf(pod: KubeObject): { name: string; uid: string } | undefined {
  const owner = arrayAt(pod, 'metadata', 'ownerReferences')?.[0];
  if (!isObject(owner) || typeof owner.name !== 'string' || typeof owner.uid !== 'string') return undefined;
  return { name: owner.name, uid: owner.uid };
}

export function newPod(deployment: KubeObject, hash: string, podIP: string): KubeObject {
  const owner = { name: replicaSetName(deployment, hash), uid: replicaSetUid(stringAt(deployment, 'metadata', 'uid') ?? '', hash), namespace: namespaceOf(deployment) };
  return podOf(owner, objectAt(deployment, 'spec', 'template') ?? {}, { 'pod-template-hash': hash }, podIP);
}

/** A pod of a ReplicaSet (a Deployment's, or a standalone one) or of a DaemonSet (`owner.kind`) from its template, plus `extraLabels`. */
export function podOf(owner: { name: string; uid: string; namespace: string; kind?: string }, template: JsonObject, extraLabels: Record<string, string>, podIP: string): KubeObject {
  const metadata: JsonObject = {
    name: `${owner.name}-${randomNameSuffix()}`,
    generateName: `${owner.name}-`,
    namespace: owner.namespace,
    labels: { ...stringMap(objectAt(template, 'metadata', 'labels')), ...extraLabels },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: owner.kind ?? 'ReplicaSet', name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true }],
  };
  const annotations = objectAt(template, 'metadata', 'annotations');
  if (annotations) metadata.annotations = annotations;
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec: { ...(objectAt(template, 'spec') ?? {}), nodeName: 'fake-node-1' },
  };
  pod.status = pendingStatus(pod, podIP);
  return pod;
}

function containers(pod: KubeObject): JsonObject[] {
  return (arrayAt(pod, 'spec', 'containers') ?? []).filter(isObject);
}

function condition(type: string, status: boolean, at: string, reason?: string, message?: string): JsonObject {
  const result: JsonObject = { type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: at };
  if (reason) result.reason = reason;
  if (message) result.message = message;
  return result;
}

function pendingStatus(pod: KubeObject, podIP: string): JsonObject {
  const now = timestamp();
  return {
    phase: 'Pending',
    conditions: [condition('PodScheduled', true, now)],
    hostIP: '192.168.0.10',
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: now,
    qosClass: 'BestEffort',
    containerStatuses: containers(pod).map((c) => ({
      name: c.name ?? null, image: c.image ?? null, imageID: '', ready: false, started: false, restartCount: 0,
      state: { waiting: { reason: 'ContainerCreating' } },
    })),
  };
}

function imageId(image: string): string {
  if (image.includes('@')) return image;
  return `${image}@sha256:${createHash('sha256').update(image).digest('hex')}`;
}

export function markReady(pod: KubeObject): void {
  const status = isObject(pod.status) ? pod.status : {};
  const now = timestamp();
  pod.status = {
    ...status,
    phase: 'Running',
    conditions: [
      condition('PodReadyToStartContainers', true, now), condition('Initialized', true, now), condition('Ready', true, now),
      condition('ContainersReady', true, now), condition('PodScheduled', true, now),
    ],
    containerStatuses: containers(pod).map((c) => ({
      name: c.name ?? null, image: c.image ?? null, imageID: imageId(String(c.image ?? '')),
      containerID: `containerd://${randomBytes(32).toString('hex')}`, ready: true, started: true, restartCount: 0,
      state: { running: { startedAt: now } },
    })),
  };
}

export function markFailing(pod: KubeObject): void {
  const status = isObject(pod.status) ? pod.status : {};
  const now = timestamp();
  const names = containers(pod).map((c) => String(c.name ?? ''));
  pod.status = {
    ...status,
    // Running with a crash-looping container is how a pod that never passes readiness looks.
    phase: 'Running',
    conditions: [
      condition('PodReadyToStartContainers', true, now), condition('Initialized', true, now),
      condition('Ready', false, now, 'ContainersNotReady', `containers with unready status: [${names.join(' ')}]`),
      condition('ContainersReady', false, now, 'ContainersNotReady', `containers with unready status: [${names.join(' ')}]`),
      condition('PodScheduled', true, now),
    ],
    containerStatuses: containers(pod).map((c) => ({
      name: c.name ?? null, image: c.image ?? null, imageID: imageId(String(c.image ?? '')), ready: false, started: false, restartCount: 1,
      state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 10s restarting failed container=${String(c.name ?? '')} (readiness failure injected by the fake)` } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: now, finishedAt: now } },
    })),
  };
}

function conditionStatus(pod: KubeObject, type: string): string | undefined {
  const found = (arrayAt(pod, 'status', 'conditions') ?? []).find((c) => isObject(c) && c.type === type);
  return isObject(found) && typeof found.status === 'string' ? found.status : undefined;
}

export function isReady(pod: KubeObject): boolean {
  return conditionStatus(pod, 'Ready') === 'True';
}

export function isFailing(pod: KubeObject): boolean {
  return !isReady(pod) && stringAt(pod, 'status', 'phase') === 'Running';
}
