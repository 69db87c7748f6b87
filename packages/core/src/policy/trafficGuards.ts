import { z } from 'zod';
import { parseClusterName } from '../naming';

/**
 * Traffic guards in Spinnaker's shape: per application, a list of `{account, location, stack,
 * detail}` naming the clusters that must never lose their last serving server group. `*` matches
 * anything; `""` (stack or detail) matches a cluster without one. Omitted location, stack and
 * detail are `*`, so a guard protects more rather than less.
 */
export const trafficGuardSchema = z.strictObject({
  account: z.string().min(1, { error: 'an account name, or "*"' }),
  location: z.string().min(1).default('*'),
  stack: z.string().default('*'),
  detail: z.string().default('*'),
  /** Spinnaker's switch to keep a guard written down but off. */
  enabled: z.boolean().default(true),
});

export type TrafficGuard = z.output<typeof trafficGuardSchema>;

/** Guards by application name. */
export const trafficGuardsSchema = z.record(z.string().regex(/^[a-z][a-z0-9]*$/, { error: 'an application name' }), z.array(trafficGuardSchema));

export type TrafficGuards = z.output<typeof trafficGuardsSchema>;

/** A cluster in one place, as a task acts on it. */
export interface GuardedPlace {
  account: string;
  /** Region or namespace; undefined on providers without locations (local). */
  location: string | undefined;
  cluster: string;
}

/** The guard protecting the place, or undefined. The most specific guard wins, as in Spinnaker's ClusterMatcher. */
export function matchingTrafficGuard(guards: TrafficGuards, place: GuardedPlace): TrafficGuard | undefined {
  const parts = parseClusterName(place.cluster);
  if (parts === null) return undefined;
  const candidates = (guards[parts.application] ?? []).filter(
    (guard) =>
      guard.enabled &&
      fits(guard.account, place.account) &&
      fits(guard.location, place.location ?? '') &&
      fits(guard.stack, parts.stack ?? '') &&
      fits(guard.detail, parts.detail ?? ''),
  );
  return candidates.sort((a, b) => wildcards(a) - wildcards(b))[0];
}

function fits(pattern: string, value: string): boolean {
  return pattern === '*' || pattern === value;
}

function wildcards(guard: TrafficGuard): number {
  return [guard.account, guard.location, guard.stack, guard.detail].filter((part) => part === '*').length;
}

/** `{account: k8s-prod, location: *, stack: prod, detail: *}`: how messages name a guard. */
export function describeTrafficGuard(application: string, guard: TrafficGuard): string {
  return `traffic guard of ${application} {account: ${guard.account}, location: ${guard.location}, stack: ${guard.stack || '""'}, detail: ${guard.detail || '""'}}`;
}
