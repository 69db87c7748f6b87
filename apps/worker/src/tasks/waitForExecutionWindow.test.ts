import { describe, expect, it } from 'vitest';
import { makeTaskContext, nextRun } from './testContext';
import { waitForExecutionWindowTask } from './waitForExecutionWindow';

const hourFromNow = (new Date().getUTCHours() + 1) % 24;
const window = {
  restrictExecutionDuringTimeWindow: true,
  restrictedExecutionWindow: {
    timezone: 'UTC',
    whitelist: [{ startHour: hourFromNow, startMin: 0, endHour: hourFromNow, endMin: 0 }],
    jitter: { enabled: true, minDelay: 60, maxDelay: 3600 },
  },
};

describe('waitForExecutionWindow', () => {
  it('fixes the moment it waits for (window plus jitter) on its first run, and every re-run waits for the same one', async () => {
    const ctx = makeTaskContext({ stage: { context: window }, task: { name: 'waitForExecutionWindow' }, execution: { trigger: { type: 'cron' } } });
    const first = await waitForExecutionWindowTask.run(ctx);
    expect(first).toMatchObject({ status: 'RUNNING', outputs: { executionWindow: { status: 'waiting' } } });
    const until = String(first.state?.until);
    const opening = new Date(until);
    // The window's start plus 60 to 3600 s of jitter.
    expect(opening.getUTCHours() === hourFromNow || opening.getUTCHours() === (hourFromNow + 1) % 24).toBe(true);
    for (let run = 0; run < 3; run++) {
      expect(await waitForExecutionWindowTask.run(nextRun(ctx, first))).toMatchObject({ status: 'RUNNING', state: { until } });
    }
    const skipped = nextRun({ ...ctx, stage: { ...ctx.stage, context: { ...window, skipRemainingWait: true } } }, first);
    expect(await waitForExecutionWindowTask.run(skipped)).toEqual({ status: 'SUCCEEDED', outputs: { executionWindow: { until, status: 'skipped' } } });
  });
});
