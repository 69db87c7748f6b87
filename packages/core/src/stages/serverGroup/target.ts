import { z } from 'zod';
import { parseTarget, type TargetSelector } from '@gantry/strategies';
import { checkLocation, clusterNameSchema, locationOf, locationShape, serverGroupNameSchema, targetSchema } from './fields';
import { clusterOfServerGroup } from './names';

/**
 * The fields shared by the stages that act on one existing server group (resize, enable, disable,
 * destroy), in Spinnaker's names: `account` (or its `credentials`), a location, and either
 * `cluster` + `target` (current, previous, oldest, largest…) or an exact `serverGroupName`.
 */
export const targetShape = {
  account: z.string().trim().min(1, { error: 'must not be empty' }).optional(),
  credentials: z.string().trim().min(1, { error: 'must not be empty' }).optional(),
  ...locationShape,
  cluster: clusterNameSchema.optional(),
  target: targetSchema.optional(),
  serverGroupName: serverGroupNameSchema.optional(),
};

type TargetFields = z.output<z.ZodObject<typeof targetShape>>;

export function checkTargetFields(fields: TargetFields, ctx: z.RefinementCtx): void {
  checkLocation(fields, ctx);
  if (fields.account === undefined && fields.credentials === undefined) {
    ctx.addIssue({ code: 'custom', path: ['account'], message: 'account is required (Spinnaker calls it credentials)' });
  } else if (fields.account !== undefined && fields.credentials !== undefined && fields.account !== fields.credentials) {
    ctx.addIssue({ code: 'custom', path: ['credentials'], message: `names a different account than account (${fields.account})` });
  }
  if (fields.target === undefined && fields.serverGroupName === undefined) {
    ctx.addIssue({ code: 'custom', path: ['target'], message: 'give target (with cluster) or serverGroupName' });
  } else if (fields.target !== undefined && fields.serverGroupName !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['serverGroupName'], message: 'give target or serverGroupName, not both' });
  } else if (fields.target !== undefined && fields.cluster === undefined) {
    ctx.addIssue({ code: 'custom', path: ['cluster'], message: `cluster is required to find the ${fields.target} server group` });
  }
  if (fields.serverGroupName !== undefined && fields.cluster !== undefined) {
    const cluster = clusterOfServerGroup(fields.serverGroupName);
    if (cluster !== undefined && cluster !== fields.cluster) {
      ctx.addIssue({
        code: 'custom',
        path: ['serverGroupName'],
        message: `${fields.serverGroupName} belongs to cluster ${cluster}, not ${fields.cluster}`,
      });
    }
  }
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
  const account = fields.account ?? fields.credentials ?? '';
  const cluster = fields.cluster ?? clusterOfServerGroup(fields.serverGroupName ?? '') ?? '';
  const selector: TargetSelector =
    fields.serverGroupName !== undefined ? { name: fields.serverGroupName } : (parseTarget(fields.target ?? '') ?? 'current');
  const location = locationOf(fields);
  return { account, cluster, selector, ...(location === undefined ? {} : { location }) };
}
