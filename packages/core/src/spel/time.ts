import { fail } from './failure';

/**
 * The date values pipelines build to stamp names and versions (`new java.util.Date()`,
 * `new java.text.SimpleDateFormat('yyyyMMdd').format(…)`, `T(java.time.LocalDate).now().plusDays(5)`),
 * in UTC. The current time is the stage start's, handed in with the scope, so evaluating stays a
 * function of its inputs.
 */

/** `java.util.Date` (`instant: false`) or `java.time.Instant` (`instant: true`): a point in time. */
export class SpelDate {
  constructor(
    readonly epochMs: number,
    readonly instant: boolean,
  ) {}
}

/** `java.time.LocalDate`: a calendar day, as days since 1970-01-01. */
export class SpelLocalDate {
  constructor(readonly epochDay: number) {}

  get utc(): Date {
    return new Date(this.epochDay * 86_400_000);
  }
}

/** `java.text.SimpleDateFormat`: a pattern, applied in UTC. */
export class SpelDateFormat {
  constructor(readonly pattern: string) {
    checkPattern(pattern);
  }
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function localDateOf(year: number, month: number, day: number): SpelLocalDate {
  const utc = Date.UTC(year, month - 1, day);
  const check = new Date(utc);
  if (!Number.isFinite(utc) || check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    fail(`${year}-${month}-${day} is not a date`);
  }
  return new SpelLocalDate(Math.round(utc / 86_400_000));
}

export function parseLocalDate(text: string): SpelLocalDate {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) fail(`"${text}" is not a date (expected yyyy-MM-dd)`);
  return localDateOf(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** Adds calendar months as Java does: the day is clamped to the new month's length. */
export function plusMonths(date: SpelLocalDate, months: number): SpelLocalDate {
  const utc = date.utc;
  const total = utc.getUTCFullYear() * 12 + utc.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const length = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return localDateOf(year, month + 1, Math.min(utc.getUTCDate(), length));
}

export function localDateText(date: SpelLocalDate): string {
  return date.utc.toISOString().slice(0, 10);
}

export function dayOfWeek(date: SpelLocalDate): string {
  return DAYS[date.utc.getUTCDay()]!.toUpperCase();
}

/** `Date.toString()` (`Sat Dec 05 19:47:00 UTC 2026`) or `Instant.toString()` (ISO-8601). */
export function dateText(date: SpelDate): string {
  if (date.instant) return new Date(date.epochMs).toISOString().replace('.000Z', 'Z');
  return formatDate(date.epochMs, "EEE MMM dd HH:mm:ss 'UTC' yyyy");
}

const PATTERN_LETTERS = /[GyMdHhmsSEaZzXuDkKwW]/;

function checkPattern(pattern: string): void {
  for (const token of tokens(pattern)) {
    if (token.kind === 'field' && !/^(y+|M+|d+|H+|h+|m+|s+|S+|E+|a+|Z+|z+|X+|u+|D+|k+|K+)$/.test(token.text)) {
      fail(`the date pattern letter "${token.text[0]}" is not supported (supported: y M d H h k K m s S E a u D z Z X)`);
    }
  }
}

type Token = { kind: 'field'; text: string } | { kind: 'literal'; text: string };

function tokens(pattern: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === "'") {
      if (pattern[i + 1] === "'") {
        out.push({ kind: 'literal', text: "'" });
        i += 2;
        continue;
      }
      const end = pattern.indexOf("'", i + 1);
      if (end === -1) fail(`unterminated quote in the date pattern "${pattern}"`);
      out.push({ kind: 'literal', text: pattern.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(ch)) {
      let end = i;
      while (pattern[end] === ch) end += 1;
      if (!PATTERN_LETTERS.test(ch)) fail(`the date pattern letter "${ch}" is not supported`);
      out.push({ kind: 'field', text: pattern.slice(i, end) });
      i = end;
      continue;
    }
    out.push({ kind: 'literal', text: ch });
    i += 1;
  }
  return out;
}

/** `SimpleDateFormat.format` in UTC. */
export function formatDate(epochMs: number, pattern: string): string {
  const at = new Date(epochMs);
  const pad = (value: number, width: number) => String(value).padStart(width, '0');
  return tokens(pattern)
    .map((token) => {
      if (token.kind === 'literal') return token.text;
      const width = token.text.length;
      switch (token.text[0]) {
        case 'y':
          return width === 2 ? pad(at.getUTCFullYear() % 100, 2) : pad(at.getUTCFullYear(), width);
        case 'M':
          if (width >= 4) return MONTHS[at.getUTCMonth()]!;
          if (width === 3) return MONTHS[at.getUTCMonth()]!.slice(0, 3);
          return pad(at.getUTCMonth() + 1, width);
        case 'd':
          return pad(at.getUTCDate(), width);
        case 'D':
          return pad(Math.floor((epochMs - Date.UTC(at.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, width);
        case 'H':
          return pad(at.getUTCHours(), width);
        case 'k':
          return pad(at.getUTCHours() === 0 ? 24 : at.getUTCHours(), width);
        case 'K':
          return pad(at.getUTCHours() % 12, width);
        case 'h':
          return pad(at.getUTCHours() % 12 === 0 ? 12 : at.getUTCHours() % 12, width);
        case 'm':
          return pad(at.getUTCMinutes(), width);
        case 's':
          return pad(at.getUTCSeconds(), width);
        case 'S':
          return pad(at.getUTCMilliseconds(), width);
        case 'E':
          return width >= 4 ? DAYS[at.getUTCDay()]! : DAYS[at.getUTCDay()]!.slice(0, 3);
        case 'u':
          return pad(at.getUTCDay() === 0 ? 7 : at.getUTCDay(), width);
        case 'a':
          return at.getUTCHours() < 12 ? 'AM' : 'PM';
        case 'z':
          return 'UTC';
        case 'Z':
          return '+0000';
        default:
          return 'Z'; // X: ISO-8601 zone, UTC
      }
    })
    .join('');
}
