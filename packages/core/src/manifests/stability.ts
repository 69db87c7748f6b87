import { isPlainObject } from '../celValues';

/**
 * Whether a deployed object has settled, by Spinnaker's per-kind rules (clouddriver's
 * Kubernetes handlers): `stable`, still `waiting` (with what for), or `failed` (waiting will not
 * help: a Deployment past its progress deadline, a failed Job or Pod).
 */
export type Stability = { state: 'stable' } | { state: 'waiting'; reason: string } | { state: 'failed'; reason: string };

type Json = Record<string, unknown>;

const STABLE: Stability = { state: 'stable' };
const waiting = (reason: string): Stability => ({ state: 'waiting', reason });
const failed = (reason: string): Stability => ({ state: 'failed', reason });

function obj(value: unknown): Json {
  return isPlainObject(value) ? value : {};
}
function num(value: unknown, fallback = 0): number {
  return typeof value === 'number' ? value : fallback;
}
function conditions(status: Json): Json[] {
  return Array.isArray(status.conditions) ? status.conditions.filter(isPlainObject) : [];
}

/** Status written for an older spec says nothing about the current one. */
function generationCheck(object: Json, status: Json): Stability | undefined {
  const generation = num(obj(object.metadata).generation, 0);
  const observed = num(status.observedGeneration, -1);
  return generation > 0 && observed < generation ? waiting('waiting for status generation to match updated object generation') : undefined;
}

function deployment(object: Json): Stability {
  const spec = obj(object.spec);
  const status = obj(object.status);
  const stale = generationCheck(object, status);
  if (stale) return stale;
  if (spec.paused === true) return STABLE;
  const progressing = conditions(status).find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return failed(`deployment exceeded its progress deadline${typeof progressing.message === 'string' ? `: ${progressing.message}` : ''}`);
  }
  const desired = num(spec.replicas, 1);
  const updated = num(status.updatedReplicas);
  if (updated < desired) return waiting(`waiting for all replicas to be updated (${updated} of ${desired})`);
  if (num(status.replicas) > updated) return waiting(`waiting for old replicas to finish termination (${num(status.replicas) - updated} left)`);
  if (num(status.availableReplicas) < desired) return waiting(`waiting for all replicas to be available (${num(status.availableReplicas)} of ${desired})`);
  if (num(status.readyReplicas) < desired) return waiting(`waiting for all replicas to be ready (${num(status.readyReplicas)} of ${desired})`);
  return STABLE;
}

function replicaSet(object: Json): Stability {
  const status = obj(object.status);
  const stale = generationCheck(object, status);
  if (stale) return stale;
  const desired = num(obj(object.spec).replicas, 1);
  if (num(status.availableReplicas) < desired) return waiting(`waiting for all replicas to be available (${num(status.availableReplicas)} of ${desired})`);
  if (num(status.readyReplicas) < desired) return waiting(`waiting for all replicas to be ready (${num(status.readyReplicas)} of ${desired})`);
  return STABLE;
}

function statefulSet(object: Json): Stability {
  const spec = obj(object.spec);
  const status = obj(object.status);
  const stale = generationCheck(object, status);
  if (stale) return stale;
  const desired = num(spec.replicas, 1);
  if (num(status.readyReplicas) < desired) return waiting(`waiting for all replicas to be ready (${num(status.readyReplicas)} of ${desired})`);
  if (obj(spec.updateStrategy).type !== 'OnDelete' && status.updateRevision !== status.currentRevision) {
    return waiting(`waiting for the rollout to revision ${String(status.updateRevision)} to finish`);
  }
  return STABLE;
}

function daemonSet(object: Json): Stability {
  const status = obj(object.status);
  const stale = generationCheck(object, status);
  if (stale) return stale;
  const desired = num(status.desiredNumberScheduled);
  if (num(status.updatedNumberScheduled) < desired) return waiting(`waiting for all pods to be updated (${num(status.updatedNumberScheduled)} of ${desired})`);
  if (num(status.numberAvailable) < desired) return waiting(`waiting for all pods to be available (${num(status.numberAvailable)} of ${desired})`);
  return STABLE;
}

function job(object: Json): Stability {
  const status = obj(object.status);
  const done = conditions(status).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  if (done?.type === 'Failed') return failed(`job failed${typeof done.message === 'string' ? `: ${done.message}` : typeof done.reason === 'string' ? `: ${done.reason}` : ''}`);
  if (done?.type === 'Complete') return STABLE;
  return waiting('waiting for the job to finish');
}

function pod(object: Json): Stability {
  const status = obj(object.status);
  const phase = status.phase;
  if (phase === 'Failed') return failed(`pod failed${typeof status.message === 'string' ? `: ${status.message}` : ''}`);
  if (phase === 'Succeeded') return STABLE;
  const ready = conditions(status).find((c) => c.type === 'Ready');
  return phase === 'Running' && ready?.status === 'True' ? STABLE : waiting(`waiting for the pod to be ready (phase ${typeof phase === 'string' ? phase : 'unknown'})`);
}

const RULES: Record<string, (object: Json) => Stability> = {
  deployment,
  replicaset: replicaSet,
  statefulset: statefulSet,
  daemonset: daemonSet,
  job,
  pod,
};

/** Kinds without a rule (Services, ConfigMaps, custom resources…) are stable once applied, as in Spinnaker. */
export function stabilityOf(object: Json): Stability {
  const kind = typeof object.kind === 'string' ? object.kind.toLowerCase() : '';
  return RULES[kind]?.(object) ?? STABLE;
}
