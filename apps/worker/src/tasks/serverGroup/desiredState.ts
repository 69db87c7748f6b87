import { serverGroupResource, serverGroupState } from '@gantry/core';
import type { CloudProvider, ServerGroup, ServerGroupRef } from '@gantry/providers';
import { forgetDeployedManifests, rebaseDeployedManifest, recordDeployedManifests, type SqlClient } from '@gantry/store';
import type { TaskContext, TransactionalEffect } from '../Task';

/**
 * The desired state drift compares AWS and GCP server groups with (docs/architecture.md "Drift"):
 * what the tasks that create, resize or destroy a group left, written through their result's
 * `effect`, so it commits with the task's result and a re-run writes it again. Kubernetes server
 * groups are not recorded here (their manifests are, by the manifest stages), nor local ones.
 *
 * A stage's own change is never drift: the checker leaves alone the groups of a cluster a running
 * stage names (the moment between a cloud call and its effect's commit), and drops an observation
 * made before the desired state last changed.
 */
function watched(provider: CloudProvider): boolean {
  return provider.kind === 'aws' || provider.kind === 'gcp';
}

/** A group a stage created (deploy, clone): what runs now is its desired state. */
export function recordServerGroup(ctx: TaskContext, provider: CloudProvider, group: ServerGroup): TransactionalEffect | undefined {
  if (!watched(provider)) return undefined;
  const desired = {
    ...serverGroupResource(group),
    apiVersion: provider.kind,
    application: group.application === '' ? ctx.execution.application : group.application,
    manifest: serverGroupState(group),
    executionId: ctx.execution.id,
    stageId: ctx.stage.id,
  };
  return (sql) => recordDeployedManifests(sql as SqlClient, [desired]);
}

/**
 * Groups a task resized on purpose (a resize stage, a strategy's scale-down or traffic weights, a
 * rollback's restore): their desired state becomes what runs now, read after the change. Groups
 * Gantry did not create stay unrecorded; one gone meanwhile keeps its record (drift calls it missing).
 */
export async function rebaseServerGroups(ctx: TaskContext, provider: CloudProvider, refs: readonly ServerGroupRef[]): Promise<TransactionalEffect | undefined> {
  if (!watched(provider) || refs.length === 0) return undefined;
  const live = (await Promise.all(refs.map((ref) => provider.getServerGroup(ref)))).filter((group): group is ServerGroup => group !== null);
  const by = { executionId: ctx.execution.id, stageId: ctx.stage.id };
  return async (sql) => {
    for (const group of live) await rebaseDeployedManifest(sql as SqlClient, serverGroupResource(group), serverGroupState(group), by);
  };
}

/** Groups a task destroyed: no longer desired, no longer checked. */
export function forgetServerGroups(provider: CloudProvider, refs: readonly ServerGroupRef[]): TransactionalEffect | undefined {
  if (!watched(provider) || refs.length === 0) return undefined;
  return (sql) => forgetDeployedManifests(sql as SqlClient, refs.map(serverGroupResource));
}
