import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backend';
import { NewerMessageVersionError } from './envelope';
import { withScheduledTime } from './MessageConsumer';

const tick = { type: 'CronTick', pipelineId: 'p', triggerIndex: 1, expression: '* * * * * *', timezone: 'UTC' } as const;

describe('withScheduledTime', () => {
  it("stamps a scheduler's CronTick with the tick its job id names", () => {
    expect(withScheduledTime({ id: 'repeat:cron:p:1:1767261600000', data: tick, opts: {} })).toEqual({ ...tick, tick: 1767261600000 });
  });

  it('falls back to the job options, and leaves other messages and explicit ticks alone', () => {
    expect(withScheduledTime({ id: '17', data: tick, opts: { prevMillis: 1767261601000 } })).toEqual({ ...tick, tick: 1767261601000 });
    expect(withScheduledTime({ id: '18', data: { ...tick, tick: 5 }, opts: {} })).toEqual({ ...tick, tick: 5 });
    const other = { type: 'StartExecution', executionId: 'e' } as const;
    expect(withScheduledTime({ id: 'repeat:x:1', data: other, opts: {} })).toBe(other);
  });
});

describe('retryDelayMs', () => {
  it('doubles from 250 ms and stays under 5 s however long an outage lasts, so a message is retried soon after it ends', () => {
    const top = () => 1;
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => retryDelayMs(attempt, new Error('connection refused'), top))).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
    expect(retryDelayMs(10_000, undefined, top)).toBe(5000);
    expect(retryDelayMs(3, undefined, () => 0)).toBe(750);
  });

  it('puts a message left for a newer worker back for 250 ms however often it was refused, so the newer worker meets it soon', () => {
    expect([1, 5, 10_000].map((attempt) => retryDelayMs(attempt, new NewerMessageVersionError(3), () => 1))).toEqual([250, 250, 250]);
  });
});
