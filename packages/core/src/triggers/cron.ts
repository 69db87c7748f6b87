import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { isPlainObject } from '../celValues';
import type { ValidationIssue } from '../errors';
import { isTimeZone } from '../zonedTime';
import { IRRELEVANT, type TriggerMatch } from './match';

/** Cron ticks are computed in this zone unless the trigger names another. */
export const DEFAULT_CRON_TIMEZONE = 'UTC';

/**
 * `{type: "cron", expression: "0 *\/15 * * * *", timezone?: "Europe/Paris"}`: five fields
 * (minute precision) or six (the first is seconds), or a name such as `@hourly`. Spinnaker's
 * `cronExpression` key is accepted as well, so exported Spinnaker pipelines keep working; its Quartz
 * `?` reads as `*`.
 */
export const cronTriggerSchema = z.looseObject({
  type: z.literal('cron'),
  enabled: z.boolean().default(true),
  expression: z.string().min(1).optional(),
  cronExpression: z.string().min(1).optional(),
  timezone: z.string().min(1).optional(),
});

export type CronTrigger = z.output<typeof cronTriggerSchema>;

/**
 * The expression a cron trigger runs on, whichever key it was written under, in the form the
 * scheduler reads (a Quartz expression converted, see `fromQuartz`).
 */
export function cronExpressionOf(trigger: Pick<CronTrigger, 'expression' | 'cronExpression'>): string {
  const written = (trigger.expression ?? trigger.cronExpression ?? '').trim();
  const converted = fromQuartz(written);
  return 'expression' in converted ? converted.expression : written;
}

/**
 * Spinnaker's cron triggers are Quartz expressions: seconds first, an optional 7th field for the
 * year, `?` for "no specific value", and days of the week numbered 1 (Sunday) to 7, where
 * cron-parser counts 0 (Sunday) to 6. An expression is read as Quartz when it has 7 fields or a
 * `?` (Quartz requires one in day-of-month or day-of-week); its numeric weekdays are then shifted
 * down by one and a year of `*` or `?` (every year) is dropped. A specific year cannot be
 * scheduled and is a problem naming it; anything else is returned unchanged.
 */
export function fromQuartz(expression: string): { expression: string } | { problem: string } {
  const fields = expression.trim().split(/\s+/);
  const quartz = fields.length === 7 || (fields.length === 6 && fields.includes('?'));
  if (!quartz) return { expression };
  if (fields.length === 7) {
    const year = fields.pop()!;
    if (year !== '*' && year !== '?') {
      return { problem: `Quartz year field "${year}" is not supported: Gantry schedules every year (use * or leave the 7th field out)` };
    }
  }
  // Weekday numbers stand at the start of the field or after "," or "-"; a number after "/" is a
  // step and one after "#" the week of the month, both kept.
  const weekdays = fields[5]!.replace(/(^|[,-])([1-7])(?=$|[,\-/#L])/g, (_match, before: string, day: string) => `${before}${Number(day) - 1}`);
  return { expression: [...fields.slice(0, 5), weekdays].join(' ') };
}

export function cronTimezoneOf(trigger: Pick<CronTrigger, 'timezone'>): string {
  return trigger.timezone ?? DEFAULT_CRON_TIMEZONE;
}

/** Save-time checks of a cron trigger, with paths relative to the trigger. */
export function cronTriggerIssues(trigger: unknown): ValidationIssue[] {
  if (!isPlainObject(trigger)) return [];
  const { expression, cronExpression, timezone } = trigger;
  const key = expression === undefined && cronExpression !== undefined ? 'cronExpression' : 'expression';
  const source = trigger[key];
  const issues: ValidationIssue[] = [];
  if (typeof expression === 'string' && typeof cronExpression === 'string' && expression.trim() !== cronExpression.trim()) {
    issues.push({ path: ['cronExpression'], message: 'give expression or cronExpression, not two different ones' });
  }
  if (source === undefined) issues.push({ path: ['expression'], message: 'a cron trigger needs an expression' });
  const zoneProblem = typeof timezone === 'string' ? timezoneProblem(timezone) : undefined;
  if (zoneProblem !== undefined) issues.push({ path: ['timezone'], message: zoneProblem });
  if (typeof source === 'string' && source.trim() !== '') {
    const problem = cronProblem(source, zoneProblem === undefined && typeof timezone === 'string' ? timezone : DEFAULT_CRON_TIMEZONE);
    if (problem !== undefined) issues.push({ path: [key], message: problem });
  }
  return issues;
}

/** Why the expression is not a 5- or 6-field cron expression (or a Quartz one), or undefined when it is one. */
export function cronProblem(written: string, timezone: string = DEFAULT_CRON_TIMEZONE): string | undefined {
  const converted = fromQuartz(written);
  if ('problem' in converted) return `invalid cron expression "${written}": ${converted.problem}`;
  const { expression } = converted;
  const fields = expression.trim().split(/\s+/).length;
  // cron-parser's @daily-style names are one field and fine.
  if (!expression.trim().startsWith('@') && fields !== 5 && fields !== 6) {
    return `invalid cron expression "${written}": expected 5 fields (minute hour day month weekday), 6 (seconds first) or Quartz's 7 (a year last), got ${fields}`;
  }
  try {
    CronExpressionParser.parse(expression, { tz: timezone }).next();
    return undefined;
  } catch (error) {
    return `invalid cron expression "${written}": ${error instanceof Error ? error.message : String(error)}`;
  }
}

// cron-parser's own error for a bad zone is cryptic.
function timezoneProblem(timezone: string): string | undefined {
  return isTimeZone(timezone) ? undefined : `unknown timezone "${timezone}" (expected an IANA name such as "UTC" or "Europe/Paris")`;
}

/**
 * The latest tick at or before `at`: what a tick delivered without its scheduled time most likely
 * was. Only a fallback; the scheduler's own tick time is exact.
 */
export function latestCronTick(expression: string, timezone: string, at: Date): Date {
  // cron-parser's prev() is strictly before its start, so start just after `at`.
  const interval = CronExpressionParser.parse(expression, { tz: timezone, currentDate: new Date(at.getTime() + 1) });
  return interval.prev().toDate();
}

/** A pipeline's cron trigger that should have a schedule: enabled, valid, on a pipeline that is not disabled. */
export interface ActiveCronTrigger {
  triggerIndex: number;
  expression: string;
  timezone: string;
}

/** The schedules a stored pipeline definition asks for. */
export function activeCronTriggers(definition: Record<string, unknown>): ActiveCronTrigger[] {
  if (definition.disabled === true || !Array.isArray(definition.triggers)) return [];
  return definition.triggers.flatMap((raw: unknown, triggerIndex): ActiveCronTrigger[] => {
    const parsed = cronTriggerSchema.safeParse(raw);
    if (!parsed.success || !parsed.data.enabled || cronTriggerIssues(raw).length > 0) return [];
    return [{ triggerIndex, expression: cronExpressionOf(parsed.data), timezone: cronTimezoneOf(parsed.data) }];
  });
}

/** One tick of one pipeline's cron trigger. */
export interface CronTickEvent extends ActiveCronTrigger {
  tick: Date;
}

/** A tick fires the trigger it was scheduled for, as long as that trigger still has the same schedule. */
export function matchCronTrigger(trigger: CronTrigger, triggerIndex: number, event: CronTickEvent): TriggerMatch {
  const same =
    triggerIndex === event.triggerIndex && cronExpressionOf(trigger) === event.expression && cronTimezoneOf(trigger) === event.timezone;
  if (!same) return IRRELEVANT;
  return {
    result: 'match',
    trigger: {
      type: 'cron',
      user: 'cron',
      expression: event.expression,
      timezone: event.timezone,
      scheduledTime: event.tick.toISOString(),
      parameters: {},
    },
    parameters: {},
  };
}
