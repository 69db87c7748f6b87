/** SuspendProcesses and ResumeProcesses (the controller reads what is suspended). */
import type { ActionTable } from '../context';
import { validationError } from '../protocol/errors';
import type { QueryParams } from '../protocol/query';
import { findLiveGroup, PROCESSES } from './groups';

function readProcesses(params: QueryParams): string[] {
  const processes = params.strings('ScalingProcesses');
  const unknown = processes.find((process) => !PROCESSES.includes(process));
  if (unknown !== undefined) throw validationError(`Process '${unknown}' is not a valid process. Valid processes are: ${PROCESSES.join(', ')}`);
  return processes.length === 0 ? PROCESSES : processes;
}

export const processActions: ActionTable = {
  SuspendProcesses: ({ params, region, store, now }) => {
    const group = findLiveGroup(region, params.requiredString('AutoScalingGroupName'));
    const reason = `User suspended at ${new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
    for (const process of readProcesses(params)) if (!group.suspendedProcesses.has(process)) group.suspendedProcesses.set(process, reason);
    store.changed();
    return undefined;
  },

  ResumeProcesses: ({ params, region, store }) => {
    const group = findLiveGroup(region, params.requiredString('AutoScalingGroupName'));
    for (const process of readProcesses(params)) group.suspendedProcesses.delete(process);
    store.changed();
    return undefined;
  },
};
