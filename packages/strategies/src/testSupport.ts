import type { ServerGroupView } from './serverGroups';

/**
 * Test helper: a healthy, enabled group `app-v00N` of 2 instances created N minutes after a fixed
 * epoch, with overrides.
 */
export function group(sequence: number, overrides: Partial<ServerGroupView> = {}): ServerGroupView {
  const desired = overrides.capacity?.desired ?? 2;
  return {
    name: `app-v${String(sequence).padStart(3, '0')}`,
    sequence,
    enabled: true,
    capacity: { min: desired, max: desired, desired },
    health: { desired, up: desired, down: 0, unknown: 0 },
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, sequence)),
    ...overrides,
  };
}
