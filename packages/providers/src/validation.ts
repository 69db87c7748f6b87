import { parseClusterName, parseServerGroupName, resourceNameProblem } from '@gantry/core';
import type { z } from 'zod';
import { formatPath } from './accounts';
import type { Capacity, ServerGroupSpec } from './CloudProvider';

/** Why a capacity is impossible, or undefined: whole numbers with 0 ≤ min ≤ desired ≤ max. */
export function capacityProblem(capacity: Capacity): string | undefined {
  const { min, max, desired } = capacity;
  const bad = Object.entries({ min, max, desired }).filter(([, value]) => !Number.isInteger(value) || value < 0);
  if (bad.length > 0) return `${bad.map(([key, value]) => `${key}=${value}`).join(', ')}: must be whole numbers ≥ 0`;
  if (min > desired || desired > max) return `need min ≤ desired ≤ max, got min=${min}, desired=${desired}, max=${max}`;
  return undefined;
}

/**
 * Why a spec cannot be a server group, or undefined: the name must be `cluster-vNNN` and a valid
 * resource name, the cluster `application[-stack[-detail]]`, the capacity possible, the image given.
 */
export function serverGroupSpecProblem(spec: Pick<ServerGroupSpec, 'name' | 'cluster' | 'application' | 'capacity' | 'image'>): string | undefined {
  const nameProblem = resourceNameProblem(spec.name);
  if (nameProblem !== undefined) return `server group name ${spec.name} ${nameProblem}`;
  if (parseServerGroupName(spec.name)?.cluster !== spec.cluster) return `server group name ${spec.name} must be ${spec.cluster}-vNNN`;
  if (parseClusterName(spec.cluster)?.application !== spec.application) return `cluster ${spec.cluster} must be application ${spec.application}[-stack[-detail]]`;
  const problem = capacityProblem(spec.capacity);
  if (problem !== undefined) return `invalid capacity: ${problem}`;
  if (spec.image.trim() === '') return 'image must not be empty';
  return undefined;
}

/** `settings.targetGroups[0]: …; settings.x: …`: a provider settings schema's issues, for a Fatal error. */
export function settingsProblems(error: z.ZodError): string {
  return error.issues.map((issue) => `settings${issue.path.length === 0 ? '' : `.${formatPath(issue.path)}`}: ${issue.message}`).join('; ');
}
