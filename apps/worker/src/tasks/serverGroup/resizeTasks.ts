import { resizeFieldsSchema, seconds, waitForUpTimeoutMs } from '@gantry/core';
import { capacityMatches, describeHealth } from '@gantry/strategies';
import { z } from 'zod';
import { chosenServerGroup, describeServerGroup, providerFor, refOf } from '../cloud/context';
import { readFields } from '../readFields';
import { serverGroupTask } from '../cloud/failures';
import { TaskFailure } from '../Task';
import { nextPollMs, timeLeftMs } from '../cloud/poll';
import { guardedByListing } from './trafficGuard';

/** `resizeServerGroup`, step 2: sets the capacity (idempotent: the same capacity again changes nothing). */
export const resizeServerGroupTask = serverGroupTask({
  name: 'resizeServerGroup',
  async run(ctx) {
    const chosen = chosenServerGroup(ctx);
    const { capacity } = readFields(resizeFieldsSchema, ctx);
    const wanted = { min: capacity.min, max: capacity.max, desired: capacity.desired };
    const { provider } = providerFor(ctx, chosen.account);
    if (wanted.desired === 0) await guardedByListing(ctx, provider, chosen, { operation: 'resize to 0', serverGroups: [chosen.serverGroupName] });
    await provider.resize(refOf(chosen), wanted);
    return { status: 'SUCCEEDED', outputs: { capacity: wanted } };
  },
});

const waitFields = z.looseObject({
  capacity: z.looseObject({ min: z.number(), max: z.number(), desired: z.number() }),
  waitForUpTimeoutSec: seconds.optional(),
});

/**
 * `resizeServerGroup`, step 3: polls until exactly `desired` instances are up, so a scale-down
 * also waits for the surplus to go. Same deadline rule and field as waitForUpInstances.
 */
export const waitForCapacityMatchTask = serverGroupTask({
  name: 'waitForCapacityMatch',
  async run(ctx) {
    const chosen = chosenServerGroup(ctx);
    const fields = readFields(waitFields, ctx);
    const timeoutMs = waitForUpTimeoutMs(fields);
    const group = await providerFor(ctx, chosen.account).provider.getServerGroup(refOf(chosen));
    if (group === null) throw new TaskFailure(`server group ${describeServerGroup(chosen)} does not exist (deleted while resizing?)`);
    if (capacityMatches(group.health, fields.capacity)) return { status: 'SUCCEEDED', outputs: { health: { ...group.health } } };
    const remainingMs = timeLeftMs(ctx.task, timeoutMs);
    if (remainingMs <= 0) {
      return {
        status: 'TERMINAL',
        error: `server group ${describeServerGroup(chosen)} did not reach ${fields.capacity.desired} instances up within ${timeoutMs / 1000} s (waitForUpTimeoutSec): ${describeHealth(group.health)}`,
        outputs: { health: { ...group.health } },
      };
    }
    return { status: 'RUNNING', retryAfterMs: nextPollMs(ctx.task.polls, remainingMs) };
  },
});
