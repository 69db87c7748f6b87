import { canaryFieldsSchema, type CanaryFields } from '@gantry/core';
import type { CloudProvider, ServerGroup } from '@gantry/providers';
import { z } from 'zod';
import type { TaskContext } from '../Task';
import { chosenServerGroup, refOf, type ChosenServerGroup } from '../cloud/context';
import { readFields } from '../readFields';

/**
 * The three groups of a canary stage as its first task recorded them: the canary (the stage's
 * chosen group, so the generic server group tasks act on it), the baseline and production.
 */
export interface CanaryStageGroups {
  canary: ChosenServerGroup;
  baseline: string;
  production: string;
  productionImage: string;
}

const recorded = z.object({ baselineServerGroup: z.string().min(1), productionServerGroup: z.string().min(1), productionImage: z.string() });

export function canaryStageGroups(ctx: TaskContext): CanaryStageGroups {
  const canary = chosenServerGroup(ctx);
  const { baselineServerGroup, productionServerGroup, productionImage } = recorded.parse(ctx.stage.outputs);
  return { canary, baseline: baselineServerGroup, production: productionServerGroup, productionImage };
}

/** The groups, or undefined when the stage ended before its first task recorded them. */
export function recordedCanaryGroups(ctx: TaskContext): CanaryStageGroups | undefined {
  return recorded.safeParse(ctx.stage.outputs).success ? canaryStageGroups(ctx) : undefined;
}

export function canaryFields(ctx: TaskContext): CanaryFields {
  return readFields(canaryFieldsSchema, ctx);
}

/** The live groups (null when gone), read in one go. */
export async function liveCanaryGroups(
  provider: CloudProvider,
  groups: CanaryStageGroups,
): Promise<{ production: ServerGroup | null; baseline: ServerGroup | null; canary: ServerGroup | null }> {
  const [production, baseline, canary] = await Promise.all(
    [groups.production, groups.baseline, groups.canary.serverGroupName].map((name) => provider.getServerGroup({ ...refOf(groups.canary), name })),
  );
  return { production: production ?? null, baseline: baseline ?? null, canary: canary ?? null };
}
