/**
 * Wall-clock time in an IANA time zone, with nothing but Intl: what freeze windows and Spinnaker's
 * execution windows read their hours and days in. Pure: the caller passes the instant.
 */

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at `instant`. */
export function zonedParts(instant: Date, timeZone: string): ZonedParts {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday ?? ''),
  };
}

/** How far the wall clock in `timeZone` is ahead of UTC at `instant`. */
function offsetMs(instant: number, timeZone: string): number {
  const local = zonedParts(new Date(instant), timeZone);
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The instant a wall-clock time in `timeZone` names (in a DST gap, the moment just after it). */
export function wallClockInstant(year: number, month: number, day: number, minutes: number, seconds: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, 0, minutes, seconds);
  const first = wall - offsetMs(wall, timeZone);
  // The offset at the guess may differ from the offset at the answer (a DST change between them).
  return wall - offsetMs(first, timeZone);
}

/** `days` after the local date of `local`, at `minutes` past its midnight, in `timeZone`. */
export function localInstant(local: ZonedParts, days: number, minutes: number, timeZone: string): number {
  const date = new Date(Date.UTC(local.year, local.month - 1, local.day + days));
  return wallClockInstant(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), minutes, 0, timeZone);
}

