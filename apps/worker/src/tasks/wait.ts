import { waitFieldsSchema } from '@gantry/core';
import { defineTask, type TaskResult } from './Task';
import { readFields } from './readFields';

/** Long waits re-check at least this often, so a skip or a cancel is never far behind. */
export const MAX_WAIT_POLL_MS = 60_000;

/** `wait` stage: completes `waitTime` seconds after the task started, or at once when skipped. */
export const waitTask = defineTask({
  name: 'wait',
  async run(ctx) {
    const { waitTime } = readFields(waitFieldsSchema, ctx);
    // Not a field of the stage: the API sets it when someone skips the wait.
    if (ctx.stage.context['skipRemainingWait'] === true) return { status: 'SUCCEEDED' };

    return waitFromStart(ctx.task.startTime, waitTime * 1000);
  },
});

/**
 * Succeeds `waitMs` after `startTime`, else polls again then (or within MAX_WAIT_POLL_MS). Measured
 * from the task's start (not this run's), so re-runs after a crash don't restart the wait.
 */
export function waitFromStart(startTime: Date, waitMs: number): TaskResult {
  const remainingMs = startTime.getTime() + waitMs - Date.now();
  if (remainingMs <= 0) return { status: 'SUCCEEDED' };
  return { status: 'RUNNING', retryAfterMs: Math.min(MAX_WAIT_POLL_MS, Math.max(1, Math.ceil(remainingMs))) };
}
