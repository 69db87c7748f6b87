import type { protos } from '@google-cloud/compute';
import { sameResource } from './names';

/**
 * Pure edits of a backend service's backends. A server group takes traffic when its instance
 * group is a backend with a capacityScaler above 0. Backends of other groups are kept as they are.
 */

type Backend = protos.google.cloud.compute.v1.IBackend;

export const BALANCING_MODE = 'UTILIZATION';

export function findBackend(backends: readonly Backend[], group: string): Backend | undefined {
  return backends.find((backend) => sameResource(backend.group, group));
}

export function isServing(backends: readonly Backend[], group: string): boolean {
  return (findBackend(backends, group)?.capacityScaler ?? 0) > 0;
}

/** The backends with `group` at this capacity scaler (added, or its scaler changed); null when nothing changes. */
export function withBackend(backends: readonly Backend[], group: string, capacityScaler: number): Backend[] | null {
  const existing = findBackend(backends, group);
  if (existing !== undefined && existing.capacityScaler === capacityScaler) return null;
  if (existing !== undefined) return backends.map((backend) => (backend === existing ? { ...backend, capacityScaler } : backend));
  return [...backends, { group, balancingMode: BALANCING_MODE, capacityScaler }];
}

/** The backends without `group`; null when it is not one. */
export function withoutBackend(backends: readonly Backend[], group: string): Backend[] | null {
  const kept = backends.filter((backend) => !sameResource(backend.group, group));
  return kept.length === backends.length ? null : kept;
}

/** GCE accepts a capacityScaler of 0 or from 0.1 to 1. */
export const MIN_CAPACITY_SCALER = 0.1;

/**
 * capacityScaler per weighted group: its weight relative to the largest weight (so the heaviest
 * group runs at full capacity and 50/50 is 1/1), at least 0.1, GCE's smallest non-zero scaler.
 * A group weighted below a tenth of the heaviest therefore gets about a tenth of its traffic.
 */
export function capacityScalers(weights: Record<string, number>): Record<string, number> {
  const heaviest = Math.max(0, ...Object.values(weights));
  if (heaviest === 0) return {};
  return Object.fromEntries(
    Object.entries(weights)
      .filter(([, weight]) => weight > 0)
      .map(([name, weight]) => [name, Math.round(Math.max(MIN_CAPACITY_SCALER, weight / heaviest) * 10_000) / 10_000]),
  );
}

/**
 * The backends for cluster-wide weights: each group of the cluster with a weight above 0 is a
 * backend with its capacityScaler (above); the cluster's other groups are removed (weight 0 means
 * no traffic, and GCE rejects a service whose backends all have scaler 0, so they leave instead).
 * Backends that are not the cluster's are kept. `groups` maps server group name → instance group URL.
 * Null when nothing changes.
 */
export function weightedBackends(backends: readonly Backend[], groups: ReadonlyMap<string, string>, weights: Record<string, number>): Backend[] | null {
  const scalers = capacityScalers(weights);
  let next: Backend[] = [...backends];
  let changed = false;
  for (const [name, group] of groups) {
    const scaler = scalers[name];
    const edited = scaler !== undefined ? withBackend(next, group, scaler) : withoutBackend(next, group);
    if (edited !== null) {
      next = edited;
      changed = true;
    }
  }
  return changed ? next : null;
}
