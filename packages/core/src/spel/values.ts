import { defineEntry, isPlainObject } from '../celValues';
import { SpelDate, SpelDateFormat, SpelLocalDate, dateText, localDateText } from './time';

/**
 * The values SpEL computes with, as Spinnaker's pipelines see them through Jackson: JSON data,
 * with Java's distinction between whole numbers (`int`/`long`: JS numbers here) and reals
 * (`double`: `SpelDouble`), because it decides what `/` and text conversion do (`7 / 2` is 3,
 * `7.0 / 2` is 3.5, `#toFloat('2')` prints as "2.0"). Maps are plain records; nothing else (no
 * function, no class instance but the date values of `time.ts`) is ever a value, so no expression
 * can reach one.
 */
export type SpelValue = null | boolean | string | number | SpelDouble | SpelDate | SpelLocalDate | SpelDateFormat | SpelValue[] | SpelMap;
export interface SpelMap {
  [key: string]: SpelValue;
}

export class SpelDouble {
  constructor(readonly value: number) {}
}

export function isDouble(value: unknown): value is SpelDouble {
  return value instanceof SpelDouble;
}

export function isSpelMap(value: unknown): value is SpelMap {
  return isPlainObject(value);
}

export function numeric(value: SpelValue): number | undefined {
  if (typeof value === 'number') return value;
  if (value instanceof SpelDouble) return value.value;
  return undefined;
}

/** JSON data as SpEL values: a whole number is an int, any other number a double. */
export function toSpel(value: unknown): SpelValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : new SpelDouble(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(toSpel);
  if (isPlainObject(value)) return record(Object.entries(value).filter(([, item]) => item !== undefined).map(([key, item]) => [key, toSpel(item)]));
  // Not JSON data (a function, a class instance): nothing an expression may reach.
  return null;
}

/** A result as JSON: doubles become numbers (non-finite ones text, which JSON cannot hold). */
export function fromSpel(value: SpelValue): unknown {
  if (value instanceof SpelDouble) return Number.isFinite(value.value) ? value.value : javaText(value);
  // Jackson writes a Date as its epoch milliseconds; the others are written as their text.
  if (value instanceof SpelDate && !value.instant) return value.epochMs;
  if (value instanceof SpelDate || value instanceof SpelLocalDate || value instanceof SpelDateFormat) return javaText(value);
  if (Array.isArray(value)) return value.map(fromSpel);
  if (isSpelMap(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) defineEntry(out, key, fromSpel(item));
    return out;
  }
  return value;
}

/** A map from entries, each an own data property, so a key like "__proto__" is only data. */
export function record(entries: Iterable<[string, SpelValue]>): SpelMap {
  const out: SpelMap = {};
  for (const [key, value] of entries) defineEntry(out, key, value);
  return out;
}

/**
 * The text Java gives a value (`String.valueOf`): what `+` with a string and `toString()` produce.
 * Lists and maps print as Java's collections do (`[a, b]`, `{a=1}`).
 */
export function javaText(value: SpelValue): string {
  if (value === null) return 'null';
  if (value instanceof SpelDouble) return javaDoubleText(value.value);
  if (value instanceof SpelDate) return dateText(value);
  if (value instanceof SpelLocalDate) return localDateText(value);
  if (value instanceof SpelDateFormat) return `SimpleDateFormat(${value.pattern})`;
  if (Array.isArray(value)) return `[${value.map(javaText).join(', ')}]`;
  if (isSpelMap(value)) return `{${Object.entries(value).map(([key, item]) => `${key}=${javaText(item)}`).join(', ')}}`;
  return String(value);
}

function javaDoubleText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e7)) {
    // Java's scientific form: 1.0E10, 1.5E-4.
    const [mantissa = '', exponent = ''] = value.toExponential().split('e');
    return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
  }
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

/** Java's `equals` as SpEL's `==` applies it: numbers by value whatever their kind, collections deeply. */
export function spelEquals(left: SpelValue, right: SpelValue): boolean {
  const a = numeric(left);
  const b = numeric(right);
  if (a !== undefined || b !== undefined) return a === b;
  if (left instanceof SpelDate || right instanceof SpelDate) {
    return left instanceof SpelDate && right instanceof SpelDate && left.instant === right.instant && left.epochMs === right.epochMs;
  }
  if (left instanceof SpelLocalDate || right instanceof SpelLocalDate) {
    return left instanceof SpelLocalDate && right instanceof SpelLocalDate && left.epochDay === right.epochDay;
  }
  if (left instanceof SpelDateFormat || right instanceof SpelDateFormat) {
    return left instanceof SpelDateFormat && right instanceof SpelDateFormat && left.pattern === right.pattern;
  }
  if (Array.isArray(left) || Array.isArray(right)) {
    return Array.isArray(left) && Array.isArray(right) && left.length === right.length && left.every((item, index) => spelEquals(item, right[index]!));
  }
  if (isSpelMap(left) || isSpelMap(right)) {
    if (!isSpelMap(left) || !isSpelMap(right)) return false;
    const keys = Object.keys(left);
    return keys.length === Object.keys(right).length && keys.every((key) => Object.hasOwn(right, key) && spelEquals(left[key]!, right[key]!));
  }
  return left === right;
}

/** What a value is called in messages. */
export function kindOf(value: SpelValue): string {
  if (value === null) return 'null';
  if (value instanceof SpelDouble) return 'a number';
  if (value instanceof SpelDate) return value.instant ? 'an Instant' : 'a Date';
  if (value instanceof SpelLocalDate) return 'a LocalDate';
  if (value instanceof SpelDateFormat) return 'a SimpleDateFormat';
  if (Array.isArray(value)) return 'a list';
  if (isSpelMap(value)) return 'a map';
  if (typeof value === 'number') return 'a number';
  return `a ${typeof value}`;
}
