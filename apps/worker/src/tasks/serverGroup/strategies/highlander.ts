import { isPast, nextHighlanderStep } from '@gantry/strategies';
import { oldGroupsTask } from '../oldGroupsTask';

/**
 * The tasks only highlander's plan has (HIGHLANDER_PLAN in packages/strategies/src/highlander.ts;
 * its first steps, waitForUpInstances and enableServerGroup, are every strategy's): take the old
 * groups out of traffic, then destroy them. Red/black's disable step uses the first as well.
 */
function highlanderTask<Name extends string>(name: Name, until: 'disable' | 'destroy', output: string) {
  return oldGroupsTask({ name, until, output, decide: (live) => nextHighlanderStep(live), isPast });
}

export const disableOldServerGroupsTask = highlanderTask('disableOldServerGroups', 'disable', 'disabledServerGroups');
export const destroyOldServerGroupsTask = highlanderTask('destroyOldServerGroups', 'destroy', 'destroyedServerGroups');
