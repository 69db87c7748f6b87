import { describe, expect, it } from 'vitest';
import { executionWindowIssues, executionWindowSchema, executionWindowTasks, jitterDelayMs, nextWindowOpening } from './executionWindow';

const window = (input: Record<string, unknown>) => executionWindowSchema.parse({ timezone: 'UTC', ...input });
const at = (iso: string) => new Date(iso);

describe('nextWindowOpening', () => {
  // 2026-12-07 is a Monday.
  const officeHours = window({ whitelist: [{ startHour: 9, startMin: 0, endHour: 17, endMin: 0 }], days: [2, 3, 4, 5, 6] });

  it('is now inside the window, its end minute included', () => {
    expect(nextWindowOpening(officeHours, at('2026-12-07T10:30:00Z'))).toEqual(at('2026-12-07T10:30:00Z'));
    expect(nextWindowOpening(officeHours, at('2026-12-07T17:00:59Z'))).toEqual(at('2026-12-07T17:00:59Z'));
  });

  it('is the next start: later today, tomorrow, or after the weekend', () => {
    expect(nextWindowOpening(officeHours, at('2026-12-07T07:15:00Z'))).toEqual(at('2026-12-07T09:00:00Z'));
    expect(nextWindowOpening(officeHours, at('2026-12-07T17:01:00Z'))).toEqual(at('2026-12-08T09:00:00Z'));
    expect(nextWindowOpening(officeHours, at('2026-12-11T18:00:00Z'))).toEqual(at('2026-12-14T09:00:00Z'));
    expect(nextWindowOpening(officeHours, at('2026-12-12T12:00:00Z'))).toEqual(at('2026-12-14T09:00:00Z'));
  });

  it('reads ranges past midnight as two, picks the earliest of several, and whole days without ranges', () => {
    const nights = window({ whitelist: [{ startHour: 22, startMin: 0, endHour: 2, endMin: 30 }, { startHour: 12, startMin: 0, endHour: 12, endMin: 15 }] });
    expect(nextWindowOpening(nights, at('2026-12-07T01:00:00Z'))).toEqual(at('2026-12-07T01:00:00Z'));
    expect(nextWindowOpening(nights, at('2026-12-07T03:00:00Z'))).toEqual(at('2026-12-07T12:00:00Z'));
    expect(nextWindowOpening(nights, at('2026-12-07T12:20:00Z'))).toEqual(at('2026-12-07T22:00:00Z'));
    const sundays = window({ days: [1] });
    expect(nextWindowOpening(sundays, at('2026-12-07T12:00:00Z'))).toEqual(at('2026-12-13T00:00:00Z'));
  });

  it('counts hours and days in the window time zone, Spinnaker\'s America/Los_Angeles unless it names one', () => {
    const nine = { whitelist: [{ startHour: 9, startMin: 0, endHour: 10, endMin: 0 }] };
    // 09:00 in Los Angeles in December is 17:00 UTC.
    expect(nextWindowOpening(executionWindowSchema.parse(nine), at('2026-12-07T12:00:00Z'))).toEqual(at('2026-12-07T17:00:00Z'));
    expect(nextWindowOpening(window({ ...nine, timezone: 'Europe/Paris' }), at('2026-12-07T12:00:00Z'))).toEqual(at('2026-12-08T08:00:00Z'));
  });
});

describe('the window as a stage field', () => {
  const stage = (window: unknown, restrict: unknown = true) => ({ restrictExecutionDuringTimeWindow: restrict, restrictedExecutionWindow: window });

  it('puts the wait first only when switched on, with numbers as text accepted', () => {
    const texts = { whitelist: [{ startHour: '9', startMin: '0', endHour: '17', endMin: '0' }], days: ['2'] };
    expect(executionWindowIssues(stage(texts))).toEqual([]);
    expect(executionWindowTasks(stage(texts))).toEqual(['waitForExecutionWindow']);
    expect(executionWindowTasks(stage(texts, false))).toEqual([]);
    expect(executionWindowIssues(stage({ whitelist: [] }, false))).toEqual([]);
  });

  it('names each bad field', () => {
    expect(executionWindowIssues(stage({ whitelist: [{ startHour: 25, startMin: 0, endHour: 1, endMin: 0 }], days: [8] }))).toEqual([
      { path: ['restrictedExecutionWindow', 'whitelist', 0, 'startHour'], message: 'an hour from 0 to 23' },
      { path: ['restrictedExecutionWindow', 'days', 0], message: 'a day from 1 (Sunday) to 7 (Saturday)' },
    ]);
    expect(executionWindowIssues(stage({}))).toEqual([
      { path: ['restrictedExecutionWindow', 'whitelist'], message: 'give at least one time range (whitelist) or day: an empty window never opens' },
    ]);
    expect(executionWindowIssues(stage({ days: [1], timezone: 'Mars/Olympus' }))).toMatchObject([{ path: ['restrictedExecutionWindow', 'timezone'] }]);
    expect(executionWindowIssues({ restrictExecutionDuringTimeWindow: 'yes' })).toEqual([{ path: ['restrictExecutionDuringTimeWindow'], message: 'expected true or false' }]);
  });
});

describe('jitterDelayMs', () => {
  const jittered = (jitter: Record<string, unknown>) => window({ days: [1], jitter });

  it('picks whole seconds from minDelay to maxDelay', () => {
    expect(jitterDelayMs(jittered({ enabled: true, minDelay: 10, maxDelay: 20 }), 'cron', 0)).toBe(10_000);
    expect(jitterDelayMs(jittered({ enabled: true, minDelay: 10, maxDelay: 20 }), 'cron', 0.999)).toBe(20_000);
  });

  it('is none when off, zero, or skipped for manual starts', () => {
    expect(jitterDelayMs(jittered({ enabled: false, maxDelay: 20 }), 'cron', 0.5)).toBe(0);
    expect(jitterDelayMs(jittered({ enabled: true, maxDelay: 0 }), 'cron', 0.5)).toBe(0);
    expect(jitterDelayMs(jittered({ enabled: true, skipManual: true, maxDelay: 20 }), 'manual', 0.5)).toBe(0);
    expect(jitterDelayMs(jittered({ enabled: true, skipManual: true, maxDelay: 20 }), 'jenkins', 0.5)).toBe(10_000);
  });
});
