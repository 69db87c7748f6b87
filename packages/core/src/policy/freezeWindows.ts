import { z } from 'zod';
import { isTimeZone, localInstant, wallClockInstant, zonedParts } from '../zonedTime';

export { isTimeZone };

/**
 * Freeze windows: times when deploy-type stages of an application or account must not change
 * anything (a holiday, a sale, the night). A window recurs weekly (`weekly`: days and hours) and/or
 * covers absolute ranges (`ranges`), read in its own `timeZone`. A stage entering one waits until it
 * ends or fails at once, as its `action` says. Pure: the caller passes the time.
 */

export const WEEK_DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type WeekDay = (typeof WEEK_DAYS)[number];

const clock = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, { error: 'a time of day as HH:MM (00:00 to 24:00)' });

const weeklySchema = z
  .strictObject({
    /** The days the window starts on. */
    days: z.array(z.enum(WEEK_DAYS, { error: `one of ${WEEK_DAYS.join(', ')}` })).min(1, { error: 'list at least one day' }),
    start: clock,
    /** At or before `start`: the window runs past midnight into the next day. */
    end: clock,
  })
  .refine((weekly) => weekly.start !== weekly.end, { error: 'start and end must differ', path: ['end'] });

// An ISO date-time; without an offset it is read in the window's time zone.
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const dateTime = z.string().refine((text) => LOCAL_DATE_TIME.test(text) || !Number.isNaN(Date.parse(text)), {
  error: 'an ISO date-time such as 2026-12-24T18:00 (in the window time zone) or 2026-12-24T18:00:00Z',
});

const rangeSchema = z.strictObject({ start: dateTime, end: dateTime });

const timeZone = z.string().refine(isTimeZone, { error: 'an IANA time zone such as Europe/Paris or UTC' });

export const freezeWindowSchema = z
  .strictObject({
    name: z.string().trim().min(1, { error: 'must not be empty' }),
    /** Shown to whoever's stage the window stops. */
    reason: z.string().optional(),
    /** Applications the window covers (`*`: all); with `accounts`, a stage must match both. */
    applications: z.array(z.string().min(1)).min(1).optional(),
    accounts: z.array(z.string().min(1)).min(1).optional(),
    timeZone: timeZone.default('UTC'),
    /** wait: the stage waits until the freeze ends (an admin may override); fail: it fails at once. */
    action: z.enum(['wait', 'fail']).default('wait'),
    weekly: z.array(weeklySchema).default([]),
    ranges: z.array(rangeSchema).default([]),
  })
  .superRefine((window, ctx) => {
    if (window.applications === undefined && window.accounts === undefined) {
      ctx.addIssue({ code: 'custom', path: ['applications'], message: 'name the applications or the accounts (or both) the window covers; "*" for all' });
    }
    if (window.weekly.length === 0 && window.ranges.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['weekly'], message: 'give weekly hours or ranges (or both)' });
    }
    window.ranges.forEach((range, index) => {
      if (!isTimeZone(window.timeZone)) return;
      if (instantOf(range.end, window.timeZone) <= instantOf(range.start, window.timeZone)) {
        ctx.addIssue({ code: 'custom', path: ['ranges', index, 'end'], message: 'must be after start' });
      }
    });
  });

export type FreezeWindow = z.output<typeof freezeWindowSchema>;

/** What a stage is about to change: its execution's application, and the account it acts in. */
export interface FreezeTarget {
  application: string;
  account: string | undefined;
}

export interface ActiveFreeze {
  window: string;
  action: 'wait' | 'fail';
  reason?: string;
  /** When this window's current occurrence ends. */
  until: Date;
}

/** The freeze a stage meets now: the windows in force and when they all end (undefined: none). */
export interface FreezeVerdict {
  action: 'wait' | 'fail';
  windows: ActiveFreeze[];
  /** The first moment no window covering the target is in force. */
  until: Date;
}

/** Whether a window covers the target at all (whatever the time): the engine plans the freeze check by this. */
export function windowCovers(window: FreezeWindow, target: FreezeTarget): boolean {
  const matches = (names: string[] | undefined, name: string | undefined) =>
    names === undefined || names.includes('*') || (name !== undefined && names.includes(name));
  return matches(window.applications, target.application) && matches(window.accounts, target.account);
}

/** The occurrences of the covering windows in force at `now`. */
export function activeFreezes(windows: readonly FreezeWindow[], target: FreezeTarget, now: Date): ActiveFreeze[] {
  const active: ActiveFreeze[] = [];
  for (const window of windows) {
    if (!windowCovers(window, target)) continue;
    const until = occurrenceEnd(window, now);
    if (until === undefined) continue;
    active.push({ window: window.name, action: window.action, ...(window.reason === undefined ? {} : { reason: window.reason }), until });
  }
  return active;
}

// Back-to-back occurrences (a weekly window next to a range) are followed this many times at most.
const MAX_CHAINED_OCCURRENCES = 50;

export function freezeVerdict(windows: readonly FreezeWindow[], target: FreezeTarget, now: Date): FreezeVerdict | undefined {
  const first = activeFreezes(windows, target, now);
  if (first.length === 0) return undefined;
  const action = first.some((freeze) => freeze.action === 'fail') ? 'fail' : 'wait';
  let until = latest(first);
  // Another window may start where this one ends: the stage waits through both.
  for (let step = 0; step < MAX_CHAINED_OCCURRENCES; step++) {
    const next = activeFreezes(windows, target, until);
    if (next.length === 0) break;
    until = latest(next);
  }
  return { action, windows: first, until };
}

function latest(freezes: ActiveFreeze[]): Date {
  return new Date(Math.max(...freezes.map((freeze) => freeze.until.getTime())));
}

/** When the window's occurrence that covers `now` ends, or undefined when none does. */
function occurrenceEnd(window: FreezeWindow, now: Date): Date | undefined {
  const ends: number[] = [];
  for (const range of window.ranges) {
    const start = instantOf(range.start, window.timeZone);
    const end = instantOf(range.end, window.timeZone);
    if (start <= now.getTime() && now.getTime() < end) ends.push(end);
  }
  const local = zonedParts(now, window.timeZone);
  const minute = local.hour * 60 + local.minute;
  const today = WEEK_DAYS[local.weekday]!;
  const yesterday = WEEK_DAYS[(local.weekday + 6) % 7]!;
  for (const weekly of window.weekly) {
    const start = minutesOf(weekly.start);
    const end = minutesOf(weekly.end);
    if (start < end) {
      if (weekly.days.includes(today) && start <= minute && minute < end) ends.push(localInstant(local, 0, end, window.timeZone));
    } else {
      // Past midnight: the part after `start` today, or the part before `end` of yesterday's.
      if (weekly.days.includes(today) && minute >= start) ends.push(localInstant(local, 1, end, window.timeZone));
      if (weekly.days.includes(yesterday) && minute < end) ends.push(localInstant(local, 0, end, window.timeZone));
    }
  }
  return ends.length === 0 ? undefined : new Date(Math.max(...ends));
}

function minutesOf(clockText: string): number {
  const [hours = 0, minutes = 0] = clockText.split(':').map(Number);
  return hours * 60 + minutes;
}

/** A range bound: with an offset (or Z) as written, without one in the window's time zone. */
function instantOf(text: string, timeZone: string): number {
  const match = LOCAL_DATE_TIME.exec(text);
  if (match === null) return Date.parse(text);
  const [, year, month, day, hour, minute, second] = match.map(Number);
  return wallClockInstant(year!, month!, day!, hour! * 60 + minute!, Number.isNaN(second) ? 0 : second!, timeZone);
}

/**
 * The stage types a freeze stops: those that change what serves traffic. A bake is not among them
 * (it builds an image and changes nothing that serves), nor are waits, judgments or webhooks.
 */
export const FREEZE_STAGE_TYPES: ReadonlySet<string> = new Set([
  'deploy',
  'canary',
  'rollbackCluster',
  'resizeServerGroup',
  'enableServerGroup',
  'disableServerGroup',
  'destroyServerGroup',
  // Terminating instances is what a freeze exists to prevent, even when the group heals.
  'chaos',
]);

/** The task the engine puts first in such a stage when a freeze window covers it. */
export const FREEZE_TASK = 'checkFreezeWindows';

/** The stage context key where an admin's break-glass override of a freeze is recorded. */
export const FREEZE_OVERRIDE_CONTEXT = 'freezeOverride';
