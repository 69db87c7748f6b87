import { kayentaCanaryFieldsSchema, kayentaClusterOf, locationOf, nextSequence, serverGroupName, waitForUpFieldsSchema, waitForUpTimeoutMs, type DeployCluster, type KayentaDeployments } from '@gantry/core';
import type { JsonObject } from '@gantry/store';
import { describeHealth, isUp, selectTarget } from '@gantry/strategies';
import { z } from 'zod';
import { clusterPlaceFor, clusterRefOf, describeServerGroup, newServerGroupSpec, providerFor, refOf, type ChosenServerGroup } from '../cloud/context';
import { serverGroupTask } from '../cloud/failures';
import { ACT_AGAIN_MS, DESTROY_TIMEOUT_MS, nextPollMs, timeLeftMs } from '../cloud/poll';
import { readFields } from '../readFields';
import { TaskFailure, type TaskContext, type TaskResult } from '../Task';

/**
 * realTimeAutomatic's server groups (Orca's DeployCanaryServerGroupsStage and
 * CleanupCanaryClustersStage): every control and experiment group is named, with its image, before
 * anything exists, so creation, the analysis and the cleanup after a crash, a failure or a cancel
 * all act on the same groups, and the cleanup destroys only what the stage made.
 */
const groupSchema = z.object({
  serverGroupName: z.string().min(1),
  account: z.string().min(1),
  location: z.string().min(1).optional(),
  cluster: z.string().min(1),
  image: z.string().min(1),
});
const recordedSchema = z.array(z.object({ control: groupSchema, experiment: groupSchema }));
type RecordedGroup = z.output<typeof groupSchema>;
type RecordedPairs = z.output<typeof recordedSchema>;

const ROLES = ['control', 'experiment'] as const;

/** The pairs the stage recorded; undefined before `determineKayentaServerGroups` ran. */
export function recordedKayentaGroups(ctx: TaskContext): RecordedPairs | undefined {
  const parsed = recordedSchema.safeParse(ctx.stage.outputs.kayentaServerGroups);
  return parsed.success ? parsed.data : undefined;
}

function deploymentsOf(ctx: TaskContext): KayentaDeployments {
  const deployments = readFields(kayentaCanaryFieldsSchema, ctx).deployments;
  // The schema requires deployments for realTimeAutomatic, the only plan with these tasks.
  if (deployments === undefined) throw new TaskFailure(`${ctx.task.name}: the stage has no deployments`);
  return deployments;
}

const chosen = (group: RecordedGroup): ChosenServerGroup => ({ serverGroupName: group.serverGroupName, account: group.account, cluster: group.cluster, ...(group.location === undefined ? {} : { location: group.location }) });
const everyGroup = (pairs: RecordedPairs) => pairs.flatMap((pair) => ROLES.map((role) => ({ role, group: pair[role] })));

/**
 * Step 1: the baseline cluster's current group gives the controls' image (Orca's "Find baseline
 * image"); each control and experiment gets its cluster's next sequence (two groups of one
 * cluster take two). Only reads: a re-run before the commit names the same groups anew.
 */
export const determineKayentaServerGroupsTask = serverGroupTask({
  name: 'determineKayentaServerGroups',
  async run(ctx) {
    const deployments = deploymentsOf(ctx);
    const { baseline } = deployments;
    const first = deployments.serverGroupPairs[0]!.control;
    const { provider, place } = clusterPlaceFor(ctx, { account: baseline.account, cluster: baseline.cluster, location: locationOf(baseline) ?? kayentaClusterOf(first).location });
    const current = selectTarget(await provider.listServerGroups(clusterRefOf(place)), 'current');
    if (!current.ok) throw new TaskFailure(`no baseline image: cluster ${baseline.cluster} (deployments.baseline, account ${place.account}${place.location === undefined ? '' : `, location ${place.location}`}) has no current server group: ${current.reason}`);
    const baselineImage = current.serverGroup.image;

    const taken = new Map<string, number[]>();
    const name = async (spec: KayentaDeployments['serverGroupPairs'][number]['control'], image: string): Promise<RecordedGroup> => {
      const { provider: sideProvider, place: side } = clusterPlaceFor(ctx, kayentaClusterOf(spec));
      const key = JSON.stringify([side.account, side.location, side.cluster]);
      const sequences = taken.get(key) ?? (await sideProvider.listServerGroups(clusterRefOf(side))).map((group) => group.sequence);
      const sequence = nextSequence(sequences);
      taken.set(key, [...sequences, sequence]);
      return { ...side, serverGroupName: serverGroupName(side.cluster, sequence), image };
    };
    const pairs: RecordedPairs = [];
    for (const pair of deployments.serverGroupPairs) {
      pairs.push({ control: await name(pair.control, baselineImage), experiment: await name(pair.experiment, pair.experiment.image ?? '') });
    }
    // Orca's PropagateDeployedServerGroupScopes: the scopes the analysis reads.
    const deployedServerGroups = pairs.map(({ control, experiment }) => ({
      ...(control.location === undefined ? {} : { controlLocation: control.location }),
      controlScope: control.serverGroupName,
      ...(experiment.location === undefined ? {} : { experimentLocation: experiment.location }),
      experimentScope: experiment.serverGroupName,
    }));
    return { status: 'SUCCEEDED', outputs: { baselineServerGroup: current.serverGroup.name, baselineImage, kayentaServerGroups: pairs, deployedServerGroups } };
  },
});

/** The pair spec a recorded group was named from, as the cluster its group is created in. */
function clusterOf(deployments: KayentaDeployments, index: number, role: (typeof ROLES)[number], image: string): DeployCluster {
  const spec = deployments.serverGroupPairs[index]?.[role];
  if (spec === undefined) throw new TaskFailure(`deployments.serverGroupPairs[${index}] changed since its server groups were named`);
  return { ...spec, image };
}

/**
 * Step 2: creates every recorded group, out of traffic, tagged with its role. Providers create
 * idempotently by name, so a re-run after a crash finds what the last run made.
 */
export const createKayentaServerGroupsTask = serverGroupTask({
  name: 'createKayentaServerGroups',
  async run(ctx) {
    const pairs = requiredGroups(ctx);
    const deployments = deploymentsOf(ctx);
    for (const [index, pair] of pairs.entries()) {
      for (const role of ROLES) {
        const group = pair[role];
        const { provider } = providerFor(ctx, group.account);
        await provider.createServerGroup(newServerGroupSpec(ctx, clusterOf(deployments, index, role, group.image), chosen(group), { tags: { 'gantry.io/canary-role': role } }));
      }
    }
    return { status: 'SUCCEEDED' };
  },
});

/**
 * Step 3: waits until every instance of every group is up (the stage's `waitForUpTimeoutSec`,
 * default 600 s, from this task's first run), then puts them all into traffic, as Orca's highlander
 * deploys of them do, so the analysis measures groups that serve.
 */
export const waitForKayentaServerGroupsTask = serverGroupTask({
  name: 'waitForKayentaServerGroups',
  async run(ctx) {
    const groups = everyGroup(requiredGroups(ctx));
    const timeoutMs = waitForUpTimeoutMs(readFields(waitForUpFieldsSchema, ctx));
    const live = await Promise.all(groups.map(async ({ group }) => ({ group, live: await providerFor(ctx, group.account).provider.getServerGroup(refOf(chosen(group))) })));
    for (const { group, live: found } of live) {
      if (found === null) throw new TaskFailure(`server group ${describeServerGroup(group)} does not exist (deleted while it was starting?)`);
      if (found.failure !== undefined) throw new TaskFailure(`server group ${describeServerGroup(group)} cannot get its instances up: ${found.failure} (${describeHealth(found.health)})`);
    }
    const waiting = live.filter(({ live: found }) => found !== null && !isUp(found));
    if (waiting.length > 0) {
      const remainingMs = timeLeftMs(ctx.task, timeoutMs);
      const health = waiting.map(({ group, live: found }) => `${group.serverGroupName}: ${found === null ? 'gone' : describeHealth(found.health)}`).join('; ');
      if (remainingMs <= 0) throw new TaskFailure(`canary server groups did not have all instances up within ${timeoutMs / 1000} s (waitForUpTimeoutSec): ${health}`);
      return { status: 'RUNNING', retryAfterMs: nextPollMs(ctx.task.polls, remainingMs) };
    }
    for (const { group } of groups) await providerFor(ctx, group.account).provider.enable(refOf(chosen(group)));
    return { status: 'SUCCEEDED' };
  },
});

function requiredGroups(ctx: TaskContext): RecordedPairs {
  const pairs = recordedKayentaGroups(ctx);
  if (pairs === undefined) throw new TaskFailure(`${ctx.task.name}: no canary server groups were recorded for this stage (the kayentaServerGroups output of determineKayentaServerGroups is missing)`);
  return pairs;
}

/** Longest single engine wait during `delayBeforeCleanup`, on the task clock. */
const MAX_WAIT_MS = 60_000;
const cleanupStateSchema = z.object({ cleanupAtMs: z.number(), destroyingSinceMs: z.number().optional() });

/**
 * Destroys every recorded group that still exists, then looks again until none is left (one
 * idempotent destroy per group per run, so a crash simply carries it on). After `delayBeforeCleanup`
 * on the task clock when `delayed` (the end of the analysis, passed or failed: Orca's wait for a
 * manual look), at once on a cancel.
 */
async function cleanUp(ctx: TaskContext, delayed: boolean): Promise<TaskResult> {
  const pairs = recordedKayentaGroups(ctx);
  // The stage ended before it named its groups: it made none.
  if (pairs === undefined) return { status: 'SUCCEEDED', outputs: { kayentaServerGroupsDestroyed: [] } };
  const now = ctx.services.clock.now();
  const kept = cleanupStateSchema.safeParse(ctx.task.state);
  const state = kept.success ? kept.data : { cleanupAtMs: now + (delayed ? deploymentsOf(ctx).delayBeforeCleanup * 1000 : 0) };
  if (now < state.cleanupAtMs) {
    return { status: 'RUNNING', retryAfterMs: Math.max(1, ctx.services.clock.delayFor(Math.min(MAX_WAIT_MS, state.cleanupAtMs - now))), state: state as unknown as JsonObject };
  }
  const groups = everyGroup(pairs).map(({ group }) => group);
  const remaining: RecordedGroup[] = [];
  for (const group of groups) {
    const { provider } = providerFor(ctx, group.account);
    if ((await provider.getServerGroup(refOf(chosen(group)))) === null) continue;
    await provider.destroy(refOf(chosen(group)));
    remaining.push(group);
  }
  const destroyed = groups.map((group) => group.serverGroupName);
  if (remaining.length === 0) return { status: 'SUCCEEDED', outputs: { kayentaServerGroupsDestroyed: destroyed } };
  const destroyingSinceMs = state.destroyingSinceMs ?? Date.now();
  if (Date.now() - destroyingSinceMs > DESTROY_TIMEOUT_MS) {
    throw new TaskFailure(`canary server groups still exist ${DESTROY_TIMEOUT_MS / 60_000} minutes after their destroy: ${remaining.map(describeServerGroup).join(', ')}`);
  }
  return { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS, state: { ...state, destroyingSinceMs } };
}

/** The last step, and the on-failure cleanup: the groups go after `delayBeforeCleanup`. */
export const cleanupKayentaServerGroupsTask = serverGroupTask({ name: 'cleanupKayentaServerGroups', run: (ctx) => cleanUp(ctx, true) });

/** The cancel cleanup: the groups go at once. */
export const destroyKayentaServerGroupsTask = serverGroupTask({ name: 'destroyKayentaServerGroups', run: (ctx) => cleanUp(ctx, false) });

/**
 * With realTimeAutomatic, the server groups the analysis reads for every scope: those of the first
 * deployed pair, as Orca's RunCanaryIntervalsStage takes them. Undefined otherwise.
 */
export function deployedScopes(ctx: TaskContext): { control: { scope: string; location?: string }; experiment: { scope: string; location?: string } } | undefined {
  const first = recordedKayentaGroups(ctx)?.[0];
  if (first === undefined) return undefined;
  const side = (group: RecordedGroup) => ({ scope: group.serverGroupName, ...(group.location === undefined ? {} : { location: group.location }) });
  return { control: side(first.control), experiment: side(first.experiment) };
}
