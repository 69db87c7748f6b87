import type { z } from 'zod';
import { parseTarget, type TargetSelector } from '@gantry/strategies';
import { accountOf, accountShape, checkAccount } from '../fields';
import { checkLocation, checkServerGroupInCluster, clusterNameSchema, locationOf, locationShape, serverGroupNameSchema, targetSchema } from './fields';
import { clusterOfServerGroup } from './names';

/**
 * The fields shared by the stages that act on one existing server group (resize, enable, disable,
 * destroy), in Spinnaker's names: `account` (or its `credentials`), a location, and either
 * `cluster` + `target` (current, previous, oldest, largest…) or an exact `serverGroupName`.
 */
export const targetShape = {
  ...accountShape,
  ...locationShape,
  cluster: clusterNameSchema.optional(),
  target: targetSchema.optional(),
  serverGroupName: serverGroupNameSchema.optional(),
};

type TargetFields = z.output<z.ZodObject<typeof targetShape>>;

export function checkTargetFields(fields: TargetFields, ctx: z.RefinementCtx): void {
  checkLocation(fields, ctx);
  checkAccount(fields, ctx);
  if (fields.target === undefined && fields.serverGroupName === undefined) {
    ctx.addIssue({ code: 'custom', path: ['target'], message: 'give target (with cluster) or serverGroupName' });
  } else if (fields.target !== undefined && fields.serverGroupName !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['serverGroupName'], message: 'give target or serverGroupName, not both' });
  } else if (fields.target !== undefined && fields.cluster === undefined) {
    ctx.addIssue({ code: 'custom', path: ['cluster'], message: `cluster is required to find the ${fields.target} server group` });
  }
  checkServerGroupInCluster(fields, ctx);
}

/** What a validated target stage points at, in the terms tasks and strategies use. */
export interface ServerGroupTarget {
  account: string;
  location?: string;
  cluster: string;
  selector: TargetSelector;
}

export function targetOf(fields: TargetFields): ServerGroupTarget {
  // checkTargetFields guarantees an account, a cluster (given or from the name) and one selector.
  const account = accountOf(fields);
  const cluster = fields.cluster ?? clusterOfServerGroup(fields.serverGroupName ?? '') ?? '';
  const selector: TargetSelector =
    fields.serverGroupName !== undefined ? { name: fields.serverGroupName } : (parseTarget(fields.target ?? '') ?? 'current');
  const location = locationOf(fields);
  return { account, cluster, selector, ...(location === undefined ? {} : { location }) };
}
