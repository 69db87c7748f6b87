import type { Capacity } from './serverGroups';

/**
 * Spinnaker's resize actions: `scale_exact` to a capacity (fields left out keep the group's
 * current ones), `scale_up` / `scale_down` by a percentage (`scalePct`) or a count (`scaleNum`) of
 * the group's own min, desired and max, and `scale_to_cluster` to the largest of the cluster's
 * groups in the same place plus that increment, within max. Pure: the caller reads the groups.
 */
export const RESIZE_ACTIONS = ['scale_exact', 'scale_up', 'scale_down', 'scale_to_cluster'] as const;
export type ResizeAction = (typeof RESIZE_ACTIONS)[number];

export interface ResizeRequest {
  action: ResizeAction;
  /** `scale_exact`'s capacity; absent fields keep the current ones. */
  capacity?: Partial<Capacity>;
  /** Which of scalePct / scaleNum counts when both are given (Deck's `resizeType`); absent: the percentage, as Orca reads it. */
  resizeType?: 'pct' | 'incr' | 'exact';
  scalePct?: number;
  scaleNum?: number;
}

/** The capacity a resize sets on a group that has `current`; `cluster` is every group of its cluster in its place. */
export function resizedCapacity(request: ResizeRequest, current: Capacity, cluster: readonly Capacity[] = [current]): Capacity {
  switch (request.action) {
    case 'scale_exact':
      return exactCapacity(request.capacity ?? {}, current);
    case 'scale_up':
    case 'scale_down': {
      const sign = request.action === 'scale_up' ? 1 : -1;
      const delta = (value: number) => {
        const step = byPercent(request) ? Math.ceil((value * (request.scalePct ?? 0)) / 100) : (request.scaleNum ?? 0);
        return Math.max(value + sign * step, 0);
      };
      return { min: delta(current.min), desired: delta(current.desired), max: delta(current.max) };
    }
    case 'scale_to_cluster': {
      const largest = cluster.reduce(
        (most, group) => ({ min: Math.max(most.min, group.min), desired: Math.max(most.desired, group.desired), max: Math.max(most.max, group.max) }),
        { min: 0, desired: 0, max: 0 },
      );
      const increment = byPercent(request) ? Math.ceil((largest.desired * Math.abs(request.scalePct ?? 0)) / 100) : Math.abs(request.scaleNum ?? 0);
      const max = Math.max(largest.max, largest.min);
      const min = Math.min(max, largest.min);
      return { min, max, desired: Math.min(Math.max(min, largest.desired) + increment, max) };
    }
  }
}

function byPercent(request: ResizeRequest): boolean {
  if (request.resizeType === 'pct') return true;
  if (request.resizeType === 'incr') return false;
  return request.scalePct !== undefined && request.scalePct !== 0;
}

/** Given fields win; a missing desired follows the current one into the new min..max. */
function exactCapacity(wanted: Partial<Capacity>, current: Capacity): Capacity {
  const min = wanted.min ?? (wanted.max === undefined ? current.min : Math.min(current.min, wanted.max));
  const max = wanted.max ?? Math.max(min, current.max);
  const desired = wanted.desired ?? Math.min(Math.max(current.desired, min), max);
  return { min, desired, max };
}
