import { z } from 'zod';
import { seededRandom } from '@gantry/canary';
import { NOTIFICATION_TYPES } from '../notifications/notifications';
import { isTimeZone, localInstant, zonedParts } from '../zonedTime';

/**
 * Chaos Monkey schedules (README "Chaos Monkey"), as pure decisions: an application's opt-in
 * configuration in Chaos Monkey 2's names, its kill window, how its server groups are grouped, and
 * each group's one decision a work day. The workers (apps/worker/src/chaos) store each decision
 * under a (group, day) uniqueness constraint before acting, so any number of workers make one.
 */

const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
const HOUR_MINUTE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const clockTime = z.string().regex(HOUR_MINUTE, { error: 'HH:MM, 24-hour (e.g. 09:00)' });

/** Leaves a group out of the schedule: every field given must match (absent: any). */
const exceptionSchema = z.strictObject({
  account: z.string().min(1).optional(),
  location: z.string().min(1).optional(),
  cluster: z.string().min(1).optional(),
});

export const chaosMonkeyConfigSchema = z
  .strictObject({
    enabled: z.boolean(),
    /** On average one kill per this many work days, per group (the daily chance is its inverse). */
    meanTimeBetweenKillsInWorkDays: z.number().min(1, { error: 'at least 1 (one kill a work day)' }).default(5),
    /** No kill in a group until this many work days passed since its last one. */
    minTimeBetweenKillsInWorkDays: z.number().int().min(0).default(1),
    /** What one decision covers: the whole application, each stack, or each cluster (per account and location). */
    grouping: z.enum(['app', 'stack', 'cluster']).default('cluster'),
    exceptions: z.array(exceptionSchema).default([]),
    /** Kills happen between start and end (wall clock in timeZone) on workDays. */
    killWindow: z
      .strictObject({
        start: clockTime.default('09:00'),
        end: clockTime.default('15:00'),
        timeZone: z.string().refine(isTimeZone, { error: 'an IANA time zone (e.g. America/Los_Angeles)' }).default('America/Los_Angeles'),
        workDays: z.array(z.enum(WEEKDAYS)).min(1).default(['MON', 'TUE', 'WED', 'THU', 'FRI']),
      })
      .refine((window) => window.start < window.end, { error: 'start must be before end (a window within one day)', path: ['end'] })
      .default({ start: '09:00', end: '15:00', timeZone: 'America/Los_Angeles', workDays: ['MON', 'TUE', 'WED', 'THU', 'FRI'] }),
    /** Told of every kill. */
    notifications: z.array(z.strictObject({ type: z.enum(NOTIFICATION_TYPES), address: z.string().min(1) })).default([]),
  })
  .refine((config) => config.minTimeBetweenKillsInWorkDays <= config.meanTimeBetweenKillsInWorkDays, {
    error: 'must not be more than meanTimeBetweenKillsInWorkDays',
    path: ['minTimeBetweenKillsInWorkDays'],
  });

export type ChaosMonkeyConfig = z.output<typeof chaosMonkeyConfigSchema>;

/** A place of the application's server groups. */
export interface ChaosPlace {
  account: string;
  location?: string;
  cluster: string;
}

export function isChaosException(config: Pick<ChaosMonkeyConfig, 'exceptions'>, place: ChaosPlace): boolean {
  return config.exceptions.some(
    (exception) =>
      (exception.account === undefined || exception.account === place.account) &&
      (exception.location === undefined || exception.location === place.location) &&
      (exception.cluster === undefined || exception.cluster === place.cluster),
  );
}

/**
 * The group a cluster falls in: `app:`, `stack:` (application and stack) or `cluster:`, per
 * account and location (each region's groups are independent, as Chaos Monkey's default).
 */
export function chaosGroupKey(grouping: ChaosMonkeyConfig['grouping'], application: string, place: ChaosPlace): string {
  const stack = place.cluster.split('-').slice(0, 2).join('-');
  const name = grouping === 'app' ? application : grouping === 'stack' ? stack : place.cluster;
  return `${grouping}:${place.account}/${place.location ?? '-'}/${name}`;
}

/** Today's kill window in the config's time zone: its day (YYYY-MM-DD), bounds, and whether now is inside on a work day. */
export interface KillWindowToday {
  day: string;
  workDay: boolean;
  start: Date;
  end: Date;
  open: boolean;
}

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

export function killWindowToday(window: ChaosMonkeyConfig['killWindow'], now: Date): KillWindowToday {
  const local = zonedParts(now, window.timeZone);
  const day = `${local.year}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;
  const workDay = window.workDays.includes(WEEKDAYS[local.weekday] ?? 'SUN');
  const start = new Date(localInstant(local, 0, minutesOf(window.start), window.timeZone));
  const end = new Date(localInstant(local, 0, minutesOf(window.end), window.timeZone));
  return { day, workDay, start, end, open: workDay && now >= start && now < end };
}

/** Work days after `lastKillDay` up to and including `today` (both YYYY-MM-DD); Infinity without a last kill. */
export function workDaysSince(lastKillDay: string | undefined, today: string, workDays: readonly string[]): number {
  if (lastKillDay === undefined) return Infinity;
  let count = 0;
  const date = new Date(`${lastKillDay}T00:00:00Z`);
  const end = new Date(`${today}T00:00:00Z`);
  // Bounded: a last kill older than a year counts as long enough ago.
  for (let step = 0; step < 366 && date < end; step++) {
    date.setUTCDate(date.getUTCDate() + 1);
    if (workDays.includes(WEEKDAYS[date.getUTCDay()] ?? 'SUN')) count++;
  }
  return date < end ? Infinity : count;
}

/** A seeded random source for a text seed (FNV-1a into the canary simulation's mulberry32): the same seed, the same draws on every worker. */
export function randomFromSeed(seed: string): () => number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < seed.length; index++) hash = Math.imul(hash ^ seed.charCodeAt(index), 0x01000193) >>> 0;
  return seededRandom(hash);
}

export type ChaosDecision = { kill: true; at: Date } | { kill: false; reason: string };

/**
 * One group's decision for one work day, drawn from `seed` (the group and the day), so whichever
 * worker decides decides the same: no kill within minTimeBetweenKills of the last one; otherwise a
 * kill with probability 1/mean, at a time drawn in what is left of the window.
 */
export function decideChaosDay(input: { config: ChaosMonkeyConfig; window: KillWindowToday; now: Date; seed: string; workDaysSinceLastKill: number }): ChaosDecision {
  const { config, window, now, seed, workDaysSinceLastKill } = input;
  if (workDaysSinceLastKill < config.minTimeBetweenKillsInWorkDays) {
    return { kill: false, reason: `last kill ${workDaysSinceLastKill} work day(s) ago, minTimeBetweenKillsInWorkDays is ${config.minTimeBetweenKillsInWorkDays}` };
  }
  const random = randomFromSeed(seed);
  const draw = random();
  if (draw >= 1 / config.meanTimeBetweenKillsInWorkDays) return { kill: false, reason: `not drawn today (a 1 in ${config.meanTimeBetweenKillsInWorkDays} chance)` };
  const from = Math.max(window.start.getTime(), now.getTime());
  return { kill: true, at: new Date(from + Math.floor(random() * Math.max(0, window.end.getTime() - from))) };
}
