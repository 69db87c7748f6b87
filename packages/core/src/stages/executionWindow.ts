import { z } from 'zod';
import { describeIssue, ValidationError, type ValidationIssue } from '../errors';
import { isTimeZone, localInstant, zonedParts } from '../zonedTime';
import { toValidationIssues } from '../zodIssues';
import { seconds, wholeNumber } from './fields';

/**
 * Spinnaker's execution window, a setting of any stage: with `restrictExecutionDuringTimeWindow`,
 * the stage waits before its tasks until the wall clock is inside one of `whitelist`'s hour ranges
 * on one of `days`, then (with `jitter`) a random further delay. Hours and days are read in
 * `timezone` (Gantry's addition; default Spinnaker's own default, America/Los_Angeles). The wait
 * is the task EXECUTION_WINDOW_TASK, first of the stage; `skipRemainingWait` (the API's skip) ends it.
 */

/** Orca's default `tasks.execution-window.timezone`, so a pasted pipeline waits for the hours it meant. */
export const DEFAULT_EXECUTION_WINDOW_TIMEZONE = 'America/Los_Angeles';

export const EXECUTION_WINDOW_TASK = 'waitForExecutionWindow';

const hour = wholeNumber(0).pipe(z.number().max(23, { error: 'an hour from 0 to 23' }));
const minute = wholeNumber(0).pipe(z.number().max(59, { error: 'a minute from 0 to 59' }));

/** From start to end, both included; an end before the start runs past midnight. */
const timeRangeSchema = z.looseObject({ startHour: hour, startMin: minute, endHour: hour, endMin: minute });

export const executionWindowSchema = z
  .looseObject({
    whitelist: z.array(timeRangeSchema).default([]),
    /** Spinnaker's (Java Calendar's) numbering: 1 = Sunday … 7 = Saturday. None: every day. */
    days: z.array(wholeNumber(1).pipe(z.number().max(7, { error: 'a day from 1 (Sunday) to 7 (Saturday)' }))).default([]),
    jitter: z
      .looseObject({
        enabled: z.boolean().default(false),
        /** No jitter for a manually triggered execution. */
        skipManual: z.boolean().default(false),
        minDelay: seconds.default(0),
        maxDelay: seconds.default(0),
      })
      .refine((jitter) => jitter.minDelay <= jitter.maxDelay, { error: 'minDelay must not be above maxDelay', path: ['minDelay'] })
      .optional(),
    timezone: z.string().refine(isTimeZone, { error: 'an IANA time zone such as Europe/Paris or UTC' }).optional(),
  })
  .refine((window) => window.whitelist.length > 0 || window.days.length > 0, {
    error: 'give at least one time range (whitelist) or day: an empty window never opens',
    path: ['whitelist'],
  });

export type ExecutionWindow = z.output<typeof executionWindowSchema>;

/** The window a stage asks for, or undefined when it does not restrict its execution. Throws nothing: invalid windows are save-time issues. */
export function executionWindowOf(stage: Record<string, unknown>): ExecutionWindow | undefined {
  if (stage.restrictExecutionDuringTimeWindow !== true) return undefined;
  return executionWindowSchema.safeParse(stage.restrictedExecutionWindow ?? {}).data;
}

/** Save-time checks, paths relative to the stage (a window only counts when switched on, as in Spinnaker). */
export function executionWindowIssues(stage: Record<string, unknown>): ValidationIssue[] {
  const flag = stage.restrictExecutionDuringTimeWindow;
  if (flag !== undefined && typeof flag !== 'boolean') return [{ path: ['restrictExecutionDuringTimeWindow'], message: 'expected true or false' }];
  if (flag !== true) return [];
  const parsed = executionWindowSchema.safeParse(stage.restrictedExecutionWindow ?? {});
  return parsed.success ? [] : toValidationIssues(parsed.error.issues, ['restrictedExecutionWindow']);
}

/**
 * The tasks a stage's window puts before its own, at stage start: the wait, or none. A window its
 * expressions made invalid fails the stage (ValidationError) rather than letting it run unrestricted.
 */
export function executionWindowTasks(stage: Record<string, unknown>): (typeof EXECUTION_WINDOW_TASK)[] {
  const issues = executionWindowIssues(stage);
  const [first] = issues;
  if (first !== undefined) throw new ValidationError(`invalid execution window: ${describeIssue(first)}`, issues);
  return executionWindowOf(stage) === undefined ? [] : [EXECUTION_WINDOW_TASK];
}

const MINUTES_PER_DAY = 24 * 60;

/**
 * The first instant at or after `now` inside the window: `now` itself when it is inside, else the
 * start of the next range on an allowed day. Ranges include their end minute (Spinnaker's 09:00 to
 * 17:00 allows 17:00:59). Days count in the window's time zone.
 */
export function nextWindowOpening(window: ExecutionWindow, now: Date): Date {
  const timeZone = window.timezone ?? DEFAULT_EXECUTION_WINDOW_TIMEZONE;
  const ranges = minuteRanges(window);
  const local = zonedParts(now, timeZone);
  const nowMinute = local.hour * 60 + local.minute;
  // A week and a day covers every weekday, and the day after for ranges that end past midnight.
  for (let day = 0; day <= 7; day++) {
    const weekday = (local.weekday + day) % 7;
    if (window.days.length > 0 && !window.days.includes(weekday + 1)) continue;
    for (const range of ranges) {
      if (day === 0 && nowMinute >= range.start && nowMinute <= range.end) return now;
      if (day > 0 || nowMinute < range.start) return new Date(localInstant(local, day, range.start, timeZone));
    }
  }
  // Unreachable for a valid window: it has a range (or the whole day) on some day of the week.
  throw new Error('the execution window never opens');
}

/** The ranges as minutes of the day, sorted, those past midnight split in two (Spinnaker's reading). */
function minuteRanges(window: ExecutionWindow): { start: number; end: number }[] {
  if (window.whitelist.length === 0) return [{ start: 0, end: MINUTES_PER_DAY - 1 }];
  return window.whitelist
    .flatMap((range) => {
      const start = range.startHour * 60 + range.startMin;
      const end = range.endHour * 60 + range.endMin;
      return start <= end
        ? [{ start, end }]
        : [
            { start, end: MINUTES_PER_DAY - 1 },
            { start: 0, end },
          ];
    })
    .sort((a, b) => a.start - b.start);
}

/**
 * The jitter after the window opens, in milliseconds: `random` (0 ≤ r < 1) picks a whole number of
 * seconds from minDelay to maxDelay; none when jitter is off, its maxDelay is 0, or the execution
 * was started by hand and `skipManual` says so.
 */
export function jitterDelayMs(window: ExecutionWindow, triggerType: string, random: number): number {
  const jitter = window.jitter;
  if (jitter === undefined || !jitter.enabled || jitter.maxDelay <= 0) return 0;
  if (jitter.skipManual && triggerType === 'manual') return 0;
  const span = Math.floor(jitter.maxDelay) - Math.ceil(jitter.minDelay) + 1;
  return (Math.ceil(jitter.minDelay) + Math.floor(random * span)) * 1000;
}
