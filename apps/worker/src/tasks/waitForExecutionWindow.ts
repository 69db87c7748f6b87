import { EXECUTION_WINDOW_TASK, executionWindowOf, jitterDelayMs, nextWindowOpening } from '@gantry/core';
import { z } from 'zod';
import type { TaskImplementation } from './Task';
import { MAX_WAIT_POLL_MS } from './wait';

// The instant the stage may go on, fixed by the first run (jitter included) so that re-runs after a
// crash or a redelivery wait for the same moment instead of drawing a new one.
const stateSchema = z.object({ until: z.iso.datetime() });

/**
 * The first task of a stage with Spinnaker's `restrictExecutionDuringTimeWindow` (the engine plans
 * it): waits, by delayed re-runs (never a sleeping worker; the delay outlives a crash), until the
 * stage's execution window opens plus its jitter, then lets the stage's own tasks run. The API's
 * skip (POST …/stages/:stage/skip) ends the wait at once. Outputs `executionWindow`: until when it
 * waited, and how it ended.
 */
export const waitForExecutionWindowTask: TaskImplementation = {
  name: EXECUTION_WINDOW_TASK,
  async run(ctx) {
    const window = executionWindowOf(ctx.stage.context);
    // Switched off after the stage started (a restarted stage re-plans anyway): nothing to wait for.
    if (window === undefined) return { status: 'SUCCEEDED' };
    const now = new Date();
    const recorded = stateSchema.safeParse(ctx.task.state).data?.until;
    const triggerType = typeof ctx.execution.trigger.type === 'string' ? ctx.execution.trigger.type : 'manual';
    const until = recorded ?? new Date(nextWindowOpening(window, now).getTime() + jitterDelayMs(window, triggerType, Math.random())).toISOString();
    // Not a field of the stage: the API sets it when someone skips the wait.
    if (ctx.stage.context.skipRemainingWait === true) return { status: 'SUCCEEDED', outputs: { executionWindow: { until, status: 'skipped' } } };
    const remainingMs = Date.parse(until) - now.getTime();
    if (remainingMs <= 0) return { status: 'SUCCEEDED', outputs: { executionWindow: { until, status: 'open' } } };
    return {
      status: 'RUNNING',
      retryAfterMs: Math.min(MAX_WAIT_POLL_MS, Math.max(1, Math.ceil(remainingMs))),
      state: { until },
      outputs: { executionWindow: { until, status: 'waiting' } },
    };
  },
};
