/**
 * A Deployment's `status` from the facts of its pods, with the real controller's field names,
 * condition types and reasons. Zero counts are left out, as the real server's `omitempty` does:
 * clients must read a missing `readyReplicas` as 0.
 */
import { arrayAt, isObject, numberAt, objectAt, stringAt, type Json, type JsonObject } from '../json';
import { timestamp, type KubeObject } from '../store';

export interface RolloutFacts {
  desired: number;
  total: number;
  updated: number;
  ready: number;
  newReplicaSet: string;
  complete: boolean;
  deadlineExceeded: boolean;
}

/** `maxUnavailable` as a number of pods (percentages round down); 0 for Recreate. */
export function maxUnavailable(deployment: KubeObject, desired: number): number {
  if (stringAt(deployment, 'spec', 'strategy', 'type') !== 'RollingUpdate' || desired === 0) return 0;
  const value: Json | undefined = objectAt(deployment, 'spec', 'strategy', 'rollingUpdate')?.maxUnavailable;
  if (typeof value === 'number') return Math.min(value, desired);
  const percent = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  return percent ? Math.floor((desired * Number(percent[1])) / 100) : Math.floor(desired / 4);
}

function keepTimes(previous: JsonObject[], next: JsonObject, now: string): JsonObject {
  const before = previous.find((c) => c.type === next.type);
  const sameStatus = before?.status === next.status;
  const same = sameStatus && before?.reason === next.reason && before?.message === next.message;
  return {
    ...next,
    lastUpdateTime: same && before?.lastUpdateTime !== undefined ? before.lastUpdateTime : now,
    lastTransitionTime: sameStatus && before?.lastTransitionTime !== undefined ? before.lastTransitionTime : now,
  };
}

export function deploymentStatus(deployment: KubeObject, facts: RolloutFacts): JsonObject {
  const now = timestamp();
  const previous = (arrayAt(deployment, 'status', 'conditions') ?? []).filter(isObject);
  const available = facts.ready;
  const minimumAvailable = available >= facts.desired - maxUnavailable(deployment, facts.desired);
  const rs = `ReplicaSet "${facts.newReplicaSet}"`;
  const progressing = facts.complete
    ? { status: 'True', reason: 'NewReplicaSetAvailable', message: `${rs} has successfully progressed.` }
    : facts.deadlineExceeded
      ? { status: 'False', reason: 'ProgressDeadlineExceeded', message: `${rs} has timed out progressing.` }
      : { status: 'True', reason: 'ReplicaSetUpdated', message: `${rs} is progressing.` };
  const conditions = [
    keepTimes(previous, minimumAvailable
      ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
      : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' }, now),
    keepTimes(previous, { type: 'Progressing', ...progressing }, now),
  ];
  const status: JsonObject = { observedGeneration: numberAt(deployment, 'metadata', 'generation') ?? 1 };
  const counts: [string, number][] = [
    ['replicas', facts.total],
    ['updatedReplicas', facts.updated],
    ['readyReplicas', facts.ready],
    ['availableReplicas', available],
    ['unavailableReplicas', Math.max(0, facts.total - available)],
  ];
  for (const [field, value] of counts) if (value > 0) status[field] = value;
  status.conditions = conditions;
  return status;
}
