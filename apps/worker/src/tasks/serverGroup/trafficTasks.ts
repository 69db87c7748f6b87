import { isProviderError } from '@gantry/providers';
import { chosenServerGroup, providerFor, refOf } from '../cloud/context';
import { serverGroupTask } from '../cloud/failures';
import { DESTROY_TIMEOUT_MS, nextPollMs } from '../cloud/poll';
import { forgetServerGroups } from './desiredState';
import { guardedByListing } from './trafficGuard';

/**
 * The steps on one chosen server group (the deploy's new group, or a target stage's): each is a
 * single idempotent provider call, so a re-run after a crash simply repeats it.
 */

/** Puts the group into traffic; a group that is gone is an error (there is nothing to serve with). */
export const enableServerGroupTask = serverGroupTask({
  name: 'enableServerGroup',
  async run(ctx) {
    const chosen = chosenServerGroup(ctx);
    await providerFor(ctx, chosen.account).provider.enable(refOf(chosen));
    return { status: 'SUCCEEDED', outputs: { enabled: true } };
  },
});

/**
 * Takes the group out of traffic, keeping its instances. A group that is already gone takes no
 * traffic either: that is success (a destroy stage re-running after its group was deleted).
 */
export const disableServerGroupTask = serverGroupTask({
  name: 'disableServerGroup',
  async run(ctx) {
    const chosen = chosenServerGroup(ctx);
    const { provider } = providerFor(ctx, chosen.account);
    await guardedByListing(ctx, provider, chosen, { operation: 'disable', serverGroups: [chosen.serverGroupName] });
    try {
      await provider.disable(refOf(chosen));
    } catch (error) {
      if (!isProviderError(error, 'NotFound')) throw error;
      return { status: 'SUCCEEDED', outputs: { enabled: false, alreadyDestroyed: true } };
    }
    return { status: 'SUCCEEDED', outputs: { enabled: false } };
  },
});

/** Deletes the group (already gone is fine), then waits until the provider no longer shows it; drift forgets it with the first result. */
export const destroyServerGroupTask = serverGroupTask({
  name: 'destroyServerGroup',
  timeoutMs: DESTROY_TIMEOUT_MS,
  async run(ctx) {
    const chosen = chosenServerGroup(ctx);
    const { provider } = providerFor(ctx, chosen.account);
    await guardedByListing(ctx, provider, chosen, { operation: 'destroy', serverGroups: [chosen.serverGroupName] });
    await provider.destroy(refOf(chosen));
    const forgotten = forgetServerGroups(provider, [refOf(chosen)]);
    const effect = forgotten === undefined ? {} : { effect: forgotten };
    if ((await provider.getServerGroup(refOf(chosen))) === null) return { status: 'SUCCEEDED', outputs: { destroyed: true }, ...effect };
    return { status: 'RUNNING', retryAfterMs: nextPollMs(ctx.task.polls, DESTROY_TIMEOUT_MS), ...effect };
  },
});
