import type { ServerGroup } from './CloudProvider';

/**
 * The order every provider's listServerGroups answers in: oldest first; creation time rather than
 * sequence, because sequences wrap from 999 to 000.
 */
export function byCreation(a: ServerGroup, b: ServerGroup): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || a.name.localeCompare(b.name);
}
