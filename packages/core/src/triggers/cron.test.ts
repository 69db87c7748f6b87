import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { cronExpressionOf, cronProblem, fromQuartz } from './cron';

describe('Quartz cron expressions (Spinnaker cron triggers)', () => {
  it('drops a year field of every year and renumbers weekdays from Quartz 1-7 (Sunday first) to 0-6', () => {
    expect(fromQuartz('0 0 12 ? * 2 *')).toEqual({ expression: '0 0 12 ? * 1' });
    expect(fromQuartz('0 30 9 ? * 2-6 ?')).toEqual({ expression: '0 30 9 ? * 1-5' });
    expect(fromQuartz('0 0 0 ? * 1,7')).toEqual({ expression: '0 0 0 ? * 0,6' });
    // Names, steps and the "#" week of the month are not weekday numbers.
    expect(fromQuartz('0 0 0 ? * MON-FRI')).toEqual({ expression: '0 0 0 ? * MON-FRI' });
    expect(fromQuartz('0 0 0 ? * 6#3')).toEqual({ expression: '0 0 0 ? * 5#3' });
    expect(fromQuartz('0 0 0 ? * 2/2')).toEqual({ expression: '0 0 0 ? * 1/2' });
    // Not Quartz (no "?", six fields): Gantry's own seconds-first form, unchanged.
    expect(fromQuartz('0 0 12 * * 2')).toEqual({ expression: '0 0 12 * * 2' });
  });

  it('fires on the weekday Quartz means: "2" is Monday', () => {
    const expression = cronExpressionOf({ cronExpression: '0 0 12 ? * 2 *' });
    const next = CronExpressionParser.parse(expression, { tz: 'UTC', currentDate: new Date('2026-12-05T00:00:00Z') }).next().toDate();
    expect(next.toISOString()).toBe('2026-12-07T12:00:00.000Z');
    expect(next.getUTCDay()).toBe(1);
  });

  it('refuses a specific year, naming it, and accepts a 7-field expression of every year', () => {
    expect(cronProblem('0 0 12 * * ? 2027')).toMatch(/Quartz year field "2027" is not supported/);
    expect(cronProblem('0 0/30 * * * ? *')).toBeUndefined();
    expect(cronProblem('* * *')).toMatch(/expected 5 fields .* or Quartz's 7/);
  });
});
