/** Statuses shared by executions, stages and tasks (Spinnaker's names). */
export const STATUSES = [
  'NOT_STARTED',
  'RUNNING',
  'PAUSED',
  'SUCCEEDED',
  'FAILED_CONTINUE',
  'TERMINAL',
  'CANCELED',
  'SKIPPED',
  'STOPPED',
] as const;

export type Status = (typeof STATUSES)[number];

const COMPLETE: ReadonlySet<Status> = new Set(['SUCCEEDED', 'FAILED_CONTINUE', 'TERMINAL', 'CANCELED', 'SKIPPED', 'STOPPED']);
const LETS_DOWNSTREAM_RUN: ReadonlySet<Status> = new Set(['SUCCEEDED', 'FAILED_CONTINUE', 'SKIPPED']);

export function isStatus(value: string): value is Status {
  return (STATUSES as readonly string[]).includes(value);
}

/** A complete status never changes again unless an operator restarts the stage. */
export function isComplete(status: Status): boolean {
  return COMPLETE.has(status);
}

/** Whether stages that depend on a stage in this status may start. */
export function letsDownstreamRun(status: Status): boolean {
  return LETS_DOWNSTREAM_RUN.has(status);
}
