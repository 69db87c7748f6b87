import { isPast, nextHighlanderStep } from '@gantry/strategies';
import { oldGroupsTask } from './oldGroupsTask';

/**
 * `deploy` (highlander), steps 5 and 6: take the old groups out of traffic, then destroy them.
 * Red/black and rolling red/black reuse the first: their disable step is highlander's.
 */
function highlanderTask(name: string, until: 'disable' | 'destroy', output: string) {
  return oldGroupsTask({ name, until, output, decide: (live) => nextHighlanderStep(live), isPast });
}

export const disableOldServerGroupsTask = highlanderTask('disableOldServerGroups', 'disable', 'disabledServerGroups');
export const destroyOldServerGroupsTask = highlanderTask('destroyOldServerGroups', 'destroy', 'destroyedServerGroups');
