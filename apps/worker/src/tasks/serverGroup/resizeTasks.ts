import { capacitySchema, resizeFieldsSchema, waitForUpTimeoutMs, type ResizeFields } from '@gantry/core';
import { capacityMatches, describeHealth, resizedCapacity, type Capacity, type ResizeRequest } from '@gantry/strategies';
import { z } from 'zod';
import { chosenServerGroup, clusterRefOf, describeServerGroup, providerFor, refOf, type ChosenServerGroup } from '../cloud/context';
import { readFields } from '../readFields';
import { serverGroupTask } from '../cloud/failures';
import { TaskFailure, type TaskContext } from '../Task';
import { nextPollMs, timeLeftMs } from '../cloud/poll';
import { rebaseServerGroups } from './desiredState';
import { guardedByListing } from './trafficGuard';

// The capacity to set, decided by the first run from the group as it was: a relative resize
// (scale_up by 50 %) re-run after a crash must not scale the already scaled group again.
const decidedSchema = z.object({ capacity: capacitySchema });

/**
 * `resizeServerGroup`, step 2: decides the capacity (Spinnaker's action: exact, up or down by a
 * percentage or a count, to the cluster's largest group) from the group's current one and records
 * it, then sets it (idempotent: the same capacity again changes nothing); the group's desired
 * state for drift takes it with the result.
 */
export const resizeServerGroupTask = serverGroupTask({
  name: 'resizeServerGroup',
  async run(ctx) {
    const chosen = chosenServerGroup(ctx);
    const { provider } = providerFor(ctx, chosen.account);
    const decided = decidedSchema.safeParse(ctx.task.state).data?.capacity;
    if (decided === undefined) {
      const { wanted, previous } = await decideCapacity(ctx, chosen, readFields(resizeFieldsSchema, ctx));
      return { status: 'RUNNING', retryAfterMs: 1, state: { capacity: wanted }, outputs: { capacity: wanted, previousCapacity: previous } };
    }
    const wanted = { min: decided.min, max: decided.max, desired: decided.desired };
    if (wanted.desired === 0) await guardedByListing(ctx, provider, chosen, { operation: 'resize to 0', serverGroups: [chosen.serverGroupName] });
    await provider.resize(refOf(chosen), wanted);
    const effect = await rebaseServerGroups(ctx, provider, [refOf(chosen)]);
    return { status: 'SUCCEEDED', outputs: { capacity: wanted }, ...(effect === undefined ? {} : { effect }) };
  },
});

async function decideCapacity(ctx: TaskContext, chosen: ChosenServerGroup, fields: ResizeFields): Promise<{ wanted: Capacity; previous: Capacity }> {
  const { provider } = providerFor(ctx, chosen.account);
  const group = await provider.getServerGroup(refOf(chosen));
  if (group === null) throw new TaskFailure(`server group ${describeServerGroup(chosen)} does not exist`);
  const previous = { min: group.capacity.min, max: group.capacity.max, desired: group.capacity.desired };
  const request: ResizeRequest = {
    action: fields.action,
    ...(fields.capacity === undefined ? {} : { capacity: definedCounts(fields.capacity) }),
    ...(fields.resizeType === undefined ? {} : { resizeType: fields.resizeType }),
    ...(fields.scalePct === undefined ? {} : { scalePct: fields.scalePct }),
    ...(fields.scaleNum === undefined ? {} : { scaleNum: fields.scaleNum }),
  };
  const cluster = fields.action === 'scale_to_cluster' ? (await provider.listServerGroups(clusterRefOf(chosen))).map((other) => other.capacity) : [previous];
  return { wanted: resizedCapacity(request, previous, cluster), previous };
}

function definedCounts(capacity: NonNullable<ResizeFields['capacity']>): Partial<Capacity> {
  return Object.fromEntries((['min', 'max', 'desired'] as const).flatMap((key) => (capacity[key] === undefined ? [] : [[key, capacity[key]]])));
}

/**
 * `resizeServerGroup`, step 3: polls until exactly `desired` instances are up, so a scale-down
 * also waits for the surplus to go. Same deadline rule and field as waitForUpInstances.
 */
export const waitForCapacityMatchTask = serverGroupTask({
  name: 'waitForCapacityMatch',
  async run(ctx) {
    const chosen = chosenServerGroup(ctx);
    const fields = readFields(resizeFieldsSchema, ctx);
    const timeoutMs = waitForUpTimeoutMs(fields);
    const capacity = decidedCapacity(ctx);
    const group = await providerFor(ctx, chosen.account).provider.getServerGroup(refOf(chosen));
    if (group === null) throw new TaskFailure(`server group ${describeServerGroup(chosen)} does not exist (deleted while resizing?)`);
    if (capacityMatches(group.health, capacity)) return { status: 'SUCCEEDED', outputs: { health: { ...group.health } } };
    const remainingMs = timeLeftMs(ctx.task, timeoutMs);
    if (remainingMs <= 0) {
      return {
        status: 'TERMINAL',
        error: `server group ${describeServerGroup(chosen)} did not reach ${capacity.desired} instances up within ${timeoutMs / 1000} s (waitForUpTimeoutSec): ${describeHealth(group.health)}`,
        outputs: { health: { ...group.health } },
      };
    }
    return { status: 'RUNNING', retryAfterMs: nextPollMs(ctx.task.polls, remainingMs) };
  },
});

/** The capacity step 2 decided and set (its outputs). */
function decidedCapacity(ctx: TaskContext): Capacity {
  const parsed = capacitySchema.safeParse(ctx.stage.outputs.capacity);
  if (!parsed.success) throw new TaskFailure('waitForCapacityMatch: no capacity was recorded by resizeServerGroup');
  return { min: parsed.data.min, max: parsed.data.max, desired: parsed.data.desired };
}
