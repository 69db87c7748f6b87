import { applicationOfCluster, type DeployCluster } from '@gantry/core';
import { defaultLocationOf, type AccountProvider, type Capacity, type ClusterRef, type ServerGroupRef, type ServerGroupSpec } from '@gantry/providers';
import { z } from 'zod';
import type { TaskContext } from '../Task';
import { TaskFailure } from '../Task';

/**
 * The server group a stage acts on, as its first task recorded it in the stage outputs. Every
 * later task reads it from there, so after a crash they act on the same group, never on a fresh
 * guess.
 */
export interface ChosenServerGroup {
  serverGroupName: string;
  account: string;
  location?: string;
  cluster: string;
}

const chosenSchema = z.object({
  serverGroupName: z.string().min(1),
  account: z.string().min(1),
  location: z.string().min(1).optional(),
  cluster: z.string().min(1),
});

export function chosenServerGroup(ctx: TaskContext): ChosenServerGroup {
  const parsed = chosenSchema.safeParse(ctx.stage.outputs);
  if (parsed.success) return parsed.data;
  throw new TaskFailure(
    `${ctx.task.name}: no server group was recorded for this stage (the serverGroupName, account and cluster outputs of its first task are missing)`,
  );
}

/** Outputs that name the chosen group, in the shape `chosenServerGroup` reads back. */
export function chosenOutputs(chosen: ChosenServerGroup): Record<string, string> {
  return {
    serverGroupName: chosen.serverGroupName,
    account: chosen.account,
    cluster: chosen.cluster,
    ...(chosen.location === undefined ? {} : { location: chosen.location }),
  };
}

/**
 * Spinnaker's deploy stage outputs, for expressions written against it. A provider without
 * locations (local) is keyed by its account, so the map always has exactly one entry.
 */
export function spinnakerDeployOutputs(chosen: ChosenServerGroup): Record<string, string | Record<string, string[]>> {
  return {
    'deploy.account.name': chosen.account,
    'deploy.server.groups': { [chosen.location ?? chosen.account]: [chosen.serverGroupName] },
  };
}

export function refOf(chosen: ChosenServerGroup): ServerGroupRef {
  return { account: chosen.account, name: chosen.serverGroupName, ...(chosen.location === undefined ? {} : { location: chosen.location }) };
}

export function clusterRefOf(chosen: Pick<ChosenServerGroup, 'account' | 'location' | 'cluster'>): ClusterRef {
  return {
    account: chosen.account,
    cluster: chosen.cluster,
    application: applicationOfCluster(chosen.cluster),
    ...(chosen.location === undefined ? {} : { location: chosen.location }),
  };
}

/** Throws UnknownAccountError (classified TERMINAL) for an account that is not configured. */
export function providerFor(ctx: TaskContext, account: string): AccountProvider {
  return ctx.services.providers.forAccount(account);
}

/** The cluster a stage acts on, its location resolved (the account's default when it names none). */
export type ClusterPlace = Pick<ChosenServerGroup, 'account' | 'location' | 'cluster'>;

/** The provider of the stage's account, and the cluster it names with the location resolved. */
export function clusterPlaceFor(ctx: TaskContext, named: { account: string; cluster: string; location?: string | undefined }): AccountProvider & { place: ClusterPlace } {
  const { account, provider } = providerFor(ctx, named.account);
  const location = named.location ?? defaultLocationOf(account);
  return { account, provider, place: { account: account.name, cluster: named.cluster, ...(location === undefined ? {} : { location }) } };
}

/** "checkout-prod-v001 (account k8s, location ns1)": how a group is named in messages. */
export function describeServerGroup(chosen: Pick<ChosenServerGroup, 'serverGroupName' | 'account' | 'location'>): string {
  return `${chosen.serverGroupName} (account ${chosen.account}${chosen.location === undefined ? '' : `, location ${chosen.location}`})`;
}

/**
 * `group` as a new member of the deploy's cluster: out of traffic, with the cluster's image and
 * capacity unless told otherwise, and tagged with the stage that made it.
 */
export function newServerGroupSpec(
  ctx: TaskContext,
  cluster: DeployCluster,
  group: ChosenServerGroup,
  overrides: { image?: string; capacity?: Capacity; tags?: Record<string, string> } = {},
): ServerGroupSpec {
  const capacity = overrides.capacity ?? cluster.capacity;
  return {
    account: group.account,
    ...(group.location === undefined ? {} : { location: group.location }),
    application: cluster.application,
    cluster: group.cluster,
    name: group.serverGroupName,
    image: overrides.image ?? cluster.image,
    capacity: { min: capacity.min, max: capacity.max, desired: capacity.desired },
    enabled: false,
    ...(cluster.settings === undefined ? {} : { settings: cluster.settings }),
    tags: { 'gantry.io/execution-id': ctx.execution.id, 'gantry.io/stage': ctx.stage.refId, ...overrides.tags },
  };
}
