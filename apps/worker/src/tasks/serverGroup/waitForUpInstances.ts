import { seconds, waitForUpTimeoutMs } from '@gantry/core';
import { describeHealth, isUp } from '@gantry/strategies';
import { z } from 'zod';
import { chosenServerGroup, describeServerGroup, providerFor, refOf } from '../cloud/context';
import { readFields } from '../readFields';
import { serverGroupTask } from '../cloud/failures';
import { TaskFailure } from '../Task';
import { nextPollMs, timeLeftMs } from '../cloud/poll';

const timeoutFields = z.looseObject({ waitForUpTimeoutSec: seconds.optional() });

/**
 * `deploy`, step 3: polls until every desired instance of the new group is up. The deadline
 * (`waitForUpTimeoutSec`, default 600 s) runs from this task's first run, which the engine keeps
 * across crashes, so a resumed worker does not grant a fresh timeout. On timeout the stage fails
 * naming the group and its health; the old groups were never touched, so they keep serving. A
 * group whose provider reports a `failure` (e.g. local instances that keep exiting at start, with
 * their exit code and last stderr lines) fails the stage at once with that failure.
 */
export const waitForUpInstancesTask = serverGroupTask({
  name: 'waitForUpInstances',
  async run(ctx) {
    const chosen = chosenServerGroup(ctx);
    const timeoutMs = waitForUpTimeoutMs(readFields(timeoutFields, ctx));
    const { provider } = providerFor(ctx, chosen.account);
    const group = await provider.getServerGroup(refOf(chosen));
    if (group === null) throw new TaskFailure(`server group ${describeServerGroup(chosen)} does not exist (deleted while it was starting?)`);
    if (isUp(group)) return { status: 'SUCCEEDED', outputs: { health: { ...group.health } } };
    // The provider saw the instances fail in a way waiting will not fix (they keep exiting at start).
    if (group.failure !== undefined) {
      return {
        status: 'TERMINAL',
        error: `server group ${describeServerGroup(chosen)} cannot get its instances up: ${group.failure} (${describeHealth(group.health)})`,
        outputs: { health: { ...group.health } },
      };
    }

    const remainingMs = timeLeftMs(ctx.task, timeoutMs);
    if (remainingMs <= 0) {
      return {
        status: 'TERMINAL',
        error: `server group ${describeServerGroup(chosen)} did not have all instances up within ${timeoutMs / 1000} s (waitForUpTimeoutSec): ${describeHealth(group.health)}`,
        outputs: { health: { ...group.health } },
      };
    }
    return { status: 'RUNNING', retryAfterMs: nextPollMs(ctx.task.polls, remainingMs) };
  },
});
