import { compileRe2 } from '../re2';
import { fail } from './failure';
import { SpelDate, SpelDateFormat, SpelLocalDate, dayOfWeek, formatDate, localDateOf, parseLocalDate, plusMonths } from './time';
import { SpelDouble, isDouble, isSpelMap, javaText, kindOf, numeric, record, spelEquals, type SpelMap, type SpelValue } from './values';

/**
 * The Java methods pipeline expressions may call, on strings, lists, maps, numbers and booleans,
 * each re-implemented with Java's meaning (Spinnaker evaluates them on `java.lang.String`,
 * `java.util.List`…). Nothing is looked up by name on a JavaScript object: a method that is not
 * in these tables does not exist, whatever the receiver is, so `getClass`, `constructor`,
 * `forName` or `exec` cannot be reached. Regular expressions run in RE2 (`../re2.ts`).
 */

type Method = (self: never, args: SpelValue[]) => SpelValue;
type MethodTable<T> = Record<string, (self: T, args: SpelValue[]) => SpelValue>;

const STRING_METHODS: MethodTable<string> = {
  contains: (self, [text]) => self.includes(stringArg(text, 'contains')),
  startsWith: (self, [prefix, offset]) => self.startsWith(stringArg(prefix, 'startsWith'), offset === undefined ? 0 : intArg(offset, 'startsWith')),
  endsWith: (self, [suffix]) => self.endsWith(stringArg(suffix, 'endsWith')),
  equals: (self, [other]) => other === self,
  equalsIgnoreCase: (self, [other]) => typeof other === 'string' && other.toLowerCase() === self.toLowerCase(),
  compareTo: (self, [other]) => compareStrings(self, stringArg(other, 'compareTo')),
  indexOf: (self, [text, from]) => self.indexOf(stringArg(text, 'indexOf'), from === undefined ? 0 : intArg(from, 'indexOf')),
  lastIndexOf: (self, [text]) => self.lastIndexOf(stringArg(text, 'lastIndexOf')),
  charAt: (self, [index]) => {
    const at = intArg(index, 'charAt');
    if (at < 0 || at >= self.length) fail(`charAt(${at}): index out of range for a string of length ${self.length}`);
    return self.charAt(at);
  },
  substring: (self, [begin, end]) => {
    const from = intArg(begin, 'substring');
    const to = end === undefined ? self.length : intArg(end, 'substring');
    if (from < 0 || to > self.length || from > to) fail(`substring(${from}, ${to}): out of range for a string of length ${self.length}`);
    return self.substring(from, to);
  },
  length: (self) => self.length,
  isEmpty: (self) => self.length === 0,
  isBlank: (self) => self.trim() === '',
  // Java's trim() drops every character up to U+0020, control characters included.
  // eslint-disable-next-line no-control-regex -- that is the point
  trim: (self) => self.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, ''),
  strip: (self) => self.trim(),
  toLowerCase: (self) => self.toLowerCase(),
  toUpperCase: (self) => self.toUpperCase(),
  concat: (self, [other]) => self + stringArg(other, 'concat'),
  replace: (self, [target, replacement]) => self.split(javaText(target ?? null)).join(javaText(replacement ?? null)),
  replaceAll: (self, [pattern, replacement]) => replaceRegex(self, stringArg(pattern, 'replaceAll'), stringArg(replacement, 'replaceAll'), true),
  replaceFirst: (self, [pattern, replacement]) => replaceRegex(self, stringArg(pattern, 'replaceFirst'), stringArg(replacement, 'replaceFirst'), false),
  matches: (self, [pattern]) => fullMatch(self, stringArg(pattern, 'matches')),
  split: (self, [pattern, limit]) => split(self, stringArg(pattern, 'split'), limit === undefined ? 0 : intArg(limit, 'split')),
  toString: (self: string) => self,
  hashCode: (self) => javaHash(self),
};

// TypeScript does not give `toString`/`valueOf` entries the record's contextual type (they shadow
// Object's own members), so their parameters are typed by hand.
const LIST_METHODS: MethodTable<SpelValue[]> = {
  size: (self) => self.length,
  isEmpty: (self) => self.length === 0,
  get: (self, [index]) => {
    const at = intArg(index, 'get');
    if (at < 0 || at >= self.length) fail(`get(${at}): index out of range for a list of ${self.length} elements`);
    return self[at]!;
  },
  contains: (self, [item]) => self.some((element) => spelEquals(element, item ?? null)),
  containsAll: (self, [items]) => listArg(items, 'containsAll').every((item) => self.some((element) => spelEquals(element, item))),
  indexOf: (self, [item]) => self.findIndex((element) => spelEquals(element, item ?? null)),
  lastIndexOf: (self, [item]) => self.findLastIndex((element) => spelEquals(element, item ?? null)),
  subList: (self, [from, to]) => {
    const begin = intArg(from, 'subList');
    const end = intArg(to, 'subList');
    if (begin < 0 || end > self.length || begin > end) fail(`subList(${begin}, ${end}): out of range for a list of ${self.length} elements`);
    return self.slice(begin, end);
  },
  equals: (self, [other]) => spelEquals(self, other ?? null),
  toString: (self: SpelValue[]) => javaText(self),
};

const MAP_METHODS: MethodTable<SpelMap> = {
  get: (self, [key]) => readKey(self, javaText(key ?? null)),
  getOrDefault: (self, [key, fallback]) => {
    const name = javaText(key ?? null);
    return Object.hasOwn(self, name) ? self[name]! : (fallback ?? null);
  },
  containsKey: (self, [key]) => Object.hasOwn(self, javaText(key ?? null)),
  containsValue: (self, [value]) => Object.values(self).some((item) => spelEquals(item, value ?? null)),
  keySet: (self) => Object.keys(self),
  values: (self) => Object.values(self),
  entrySet: (self) => Object.entries(self).map(([key, value]) => record([['key', key], ['value', value]])),
  size: (self) => Object.keys(self).length,
  isEmpty: (self) => Object.keys(self).length === 0,
  equals: (self, [other]) => spelEquals(self, other ?? null),
  toString: (self: SpelMap) => javaText(self),
};

const NUMBER_METHODS: MethodTable<number | SpelDouble> = {
  intValue: (self) => Math.trunc(numeric(self)!),
  longValue: (self) => Math.trunc(numeric(self)!),
  doubleValue: (self) => new SpelDouble(numeric(self)!),
  floatValue: (self) => new SpelDouble(numeric(self)!),
  toString: (self: number | SpelDouble) => javaText(self),
  equals: (self, [other]) => other !== undefined && isDouble(self) === isDouble(other) && spelEquals(self, other),
  compareTo: (self, [other]) => Math.sign(numeric(self)! - numberArg(other, 'compareTo')),
};

const BOOLEAN_METHODS: MethodTable<boolean> = {
  booleanValue: (self) => self,
  toString: (self: boolean) => String(self),
  equals: (self, [other]) => other === self,
};

const DATE_METHODS: MethodTable<SpelDate> = {
  getTime: (self) => self.epochMs,
  toEpochMilli: (self) => self.epochMs,
  getEpochSecond: (self) => Math.floor(self.epochMs / 1000),
  toInstant: (self) => new SpelDate(self.epochMs, true),
  plusSeconds: (self, [seconds]) => new SpelDate(self.epochMs + intArg(seconds, 'plusSeconds') * 1000, self.instant),
  minusSeconds: (self, [seconds]) => new SpelDate(self.epochMs - intArg(seconds, 'minusSeconds') * 1000, self.instant),
  plusMillis: (self, [millis]) => new SpelDate(self.epochMs + intArg(millis, 'plusMillis'), self.instant),
  before: (self, [other]) => self.epochMs < dateArg(other, 'before').epochMs,
  after: (self, [other]) => self.epochMs > dateArg(other, 'after').epochMs,
  isBefore: (self, [other]) => self.epochMs < dateArg(other, 'isBefore').epochMs,
  isAfter: (self, [other]) => self.epochMs > dateArg(other, 'isAfter').epochMs,
  equals: (self, [other]) => spelEquals(self, other ?? null),
  toString: (self: SpelDate) => javaText(self),
};

const LOCAL_DATE_METHODS: MethodTable<SpelLocalDate> = {
  plusDays: (self, [days]) => new SpelLocalDate(self.epochDay + intArg(days, 'plusDays')),
  minusDays: (self, [days]) => new SpelLocalDate(self.epochDay - intArg(days, 'minusDays')),
  plusWeeks: (self, [weeks]) => new SpelLocalDate(self.epochDay + 7 * intArg(weeks, 'plusWeeks')),
  minusWeeks: (self, [weeks]) => new SpelLocalDate(self.epochDay - 7 * intArg(weeks, 'minusWeeks')),
  plusMonths: (self, [months]) => plusMonths(self, intArg(months, 'plusMonths')),
  minusMonths: (self, [months]) => plusMonths(self, -intArg(months, 'minusMonths')),
  plusYears: (self, [years]) => plusMonths(self, 12 * intArg(years, 'plusYears')),
  minusYears: (self, [years]) => plusMonths(self, -12 * intArg(years, 'minusYears')),
  getYear: (self) => self.utc.getUTCFullYear(),
  getMonthValue: (self) => self.utc.getUTCMonth() + 1,
  getDayOfMonth: (self) => self.utc.getUTCDate(),
  getDayOfWeek: (self) => dayOfWeek(self),
  isBefore: (self, [other]) => self.epochDay < localDateArg(other, 'isBefore').epochDay,
  isAfter: (self, [other]) => self.epochDay > localDateArg(other, 'isAfter').epochDay,
  equals: (self, [other]) => spelEquals(self, other ?? null),
  toString: (self: SpelLocalDate) => javaText(self),
};

const DATE_FORMAT_METHODS: MethodTable<SpelDateFormat> = {
  format: (self, [date]) => formatDate(dateArg(date, 'format').epochMs, self.pattern),
  toPattern: (self) => self.pattern,
};

/** Calls an allowed method; anything else fails naming what is allowed on that kind of value. */
export function callMethod(target: SpelValue, name: string, args: SpelValue[]): SpelValue {
  const table: Record<string, Method> | undefined =
    target instanceof SpelDate
      ? DATE_METHODS
      : target instanceof SpelLocalDate
        ? LOCAL_DATE_METHODS
        : target instanceof SpelDateFormat
          ? DATE_FORMAT_METHODS
          : typeof target === 'string'
      ? STRING_METHODS
      : Array.isArray(target)
        ? LIST_METHODS
        : isSpelMap(target)
          ? MAP_METHODS
          : typeof target === 'number' || isDouble(target)
            ? NUMBER_METHODS
            : typeof target === 'boolean'
              ? BOOLEAN_METHODS
              : undefined;
  if (target === null || table === undefined) fail(`cannot call method ${name}() on null`);
  const method = Object.hasOwn(table, name) ? table[name] : undefined;
  if (method === undefined) {
    fail(`method ${name}() is not allowed on ${kindOf(target)} in pipeline expressions (allowed: ${Object.keys(table).join(', ')})`);
  }
  return method(target as never, args);
}

/** The stage start's time, in epoch milliseconds (what `now()` and `new Date()` read). */
export type Clock = () => number;

/** `T(…)`: only these classes, and only these of their static methods. */
const STATIC_METHODS: Record<string, MethodTable<Clock>> = {
  String: {
    valueOf: (_: Clock, [value]: SpelValue[]) => javaText(value ?? null),
    join: (_, [separator, ...items]) => {
      const list = items.length === 1 && Array.isArray(items[0]) ? items[0] : items;
      return list.map((item) => javaText(item)).join(stringArg(separator, 'join'));
    },
  },
  Integer: { parseInt: (_, [text]) => parseJavaInt(text), valueOf: (_: Clock, [text]: SpelValue[]) => parseJavaInt(text) },
  Long: { parseLong: (_, [text]) => parseJavaInt(text), valueOf: (_: Clock, [text]: SpelValue[]) => parseJavaInt(text) },
  Double: { parseDouble: (_, [text]) => parseJavaDouble(text), valueOf: (_: Clock, [text]: SpelValue[]) => parseJavaDouble(text) },
  Boolean: { parseBoolean: (_, [text]) => parseJavaBoolean(text), valueOf: (_: Clock, [text]: SpelValue[]) => parseJavaBoolean(text) },
  LocalDate: {
    now: (clock) => new SpelLocalDate(Math.floor(clock() / 86_400_000)),
    of: (_, [year, month, day]) => localDateOf(intArg(year, 'of'), intArg(month, 'of'), intArg(day, 'of')),
    parse: (_, [text]) => parseLocalDate(stringArg(text, 'parse')),
  },
  Instant: {
    now: (clock) => new SpelDate(clock(), true),
    ofEpochMilli: (_, [millis]) => new SpelDate(intArg(millis, 'ofEpochMilli'), true),
    ofEpochSecond: (_, [seconds]) => new SpelDate(intArg(seconds, 'ofEpochSecond') * 1000, true),
  },
  Math: {
    abs: (_, [value]) => mapNumber(value, Math.abs, 'abs'),
    max: (_, [a, b]) => (numberArg(a, 'max') >= numberArg(b, 'max') ? a! : b!),
    min: (_, [a, b]) => (numberArg(a, 'min') <= numberArg(b, 'min') ? a! : b!),
    round: (_, [value]) => Math.round(numberArg(value, 'round')),
    floor: (_, [value]) => new SpelDouble(Math.floor(numberArg(value, 'floor'))),
    ceil: (_, [value]) => new SpelDouble(Math.ceil(numberArg(value, 'ceil'))),
    pow: (_, [a, b]) => new SpelDouble(numberArg(a, 'pow') ** numberArg(b, 'pow')),
    sqrt: (_, [value]) => new SpelDouble(Math.sqrt(numberArg(value, 'sqrt'))),
  },
};

/** The classes `new` may create: Java's boxed values, strings and date values, nothing that acts. */
const CONSTRUCTORS: Record<string, (args: SpelValue[], clock: Clock) => SpelValue> = {
  Date: ([millis], clock) => new SpelDate(millis === undefined ? clock() : intArg(millis, 'new Date'), false),
  SimpleDateFormat: ([pattern]) => new SpelDateFormat(stringArg(pattern, 'new SimpleDateFormat')),
  Integer: ([value]) => (typeof value === 'number' ? value : parseJavaInt(value)),
  Long: ([value]) => (typeof value === 'number' ? value : parseJavaInt(value)),
  Double: ([value]) => (numeric(value ?? null) === undefined ? parseJavaDouble(value) : new SpelDouble(numeric(value!)!)),
  Boolean: ([value]) => (typeof value === 'boolean' ? value : parseJavaBoolean(value)),
  String: ([value]) => (value === undefined ? '' : stringArg(value, 'new String')),
};

/** Each class pipelines may name, in its own package: `java.lang.Integer` and `Integer` are one class. */
const PACKAGE_OF: Record<string, string> = {
  String: 'java.lang',
  Integer: 'java.lang',
  Long: 'java.lang',
  Double: 'java.lang',
  Boolean: 'java.lang',
  Math: 'java.lang',
  Date: 'java.util',
  SimpleDateFormat: 'java.text',
  LocalDate: 'java.time',
  Instant: 'java.time',
};

function simpleName(className: string): string | undefined {
  const match = /^(?:([a-z]+(?:\.[a-z]+)*)\.)?([A-Za-z]+)$/.exec(className);
  const [, pkg, simple] = match ?? [];
  if (simple === undefined || !Object.hasOwn(PACKAGE_OF, simple)) return undefined;
  return pkg === undefined || pkg === PACKAGE_OF[simple] ? simple : undefined;
}

/** Why `new className(…)` or `T(className)` may not be written, or undefined (the save-time check). */
export function classProblem(use: 'new' | 'T', className: string): string | undefined {
  const simple = simpleName(className);
  const allowed = use === 'new' ? CONSTRUCTORS : STATIC_METHODS;
  if (simple !== undefined && Object.hasOwn(allowed, simple)) return undefined;
  const names = Object.keys(allowed);
  return use === 'new'
    ? `new ${className}(…) is not allowed in pipeline expressions (allowed: ${names.map((known) => `new ${known}(…)`).join(', ')})`
    : `T(${className}) is not allowed in pipeline expressions (allowed: ${names.map((known) => `T(${known})`).join(', ')})`;
}

/** The static methods `T(className)` may call; fails naming the allowed classes when it may not be used. */
export function staticMethods(className: string): MethodTable<Clock> {
  const problem = classProblem('T', className);
  if (problem !== undefined) fail(problem);
  return STATIC_METHODS[simpleName(className)!]!;
}

export function callStatic(className: string, name: string, args: SpelValue[], clock: Clock): SpelValue {
  const table = staticMethods(className);
  const method = Object.hasOwn(table, name) ? table[name] : undefined;
  if (method === undefined) fail(`T(${className}).${name}() is not allowed (allowed: ${Object.keys(table).join(', ')})`);
  return method(clock, args);
}

export function construct(className: string, args: SpelValue[], clock: Clock): SpelValue {
  const problem = classProblem('new', className);
  if (problem !== undefined) fail(problem);
  return CONSTRUCTORS[simpleName(className)!]!(args, clock);
}

/** A map's value for a key: null when absent (Spinnaker's map accessor), never an inherited property. */
export function readKey(map: SpelMap, key: string): SpelValue {
  return Object.hasOwn(map, key) ? map[key]! : null;
}

/** `Integer.valueOf(String)`: digits only (no spaces, no decimals), within a long. */
export function parseJavaInt(value: SpelValue | undefined): number {
  const text = value === undefined || value === null ? 'null' : javaText(value);
  if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) fail(`"${text}" is not an integer`);
  return Number(text);
}

/** `Double.valueOf(String)`: Java accepts surrounding spaces and a trailing d/f. */
export function parseJavaDouble(value: SpelValue | undefined): SpelDouble {
  const text = value === undefined || value === null ? 'null' : javaText(value);
  const trimmed = text.trim().replace(/[dDfF]$/, '');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed) && !/^[+-]?(NaN|Infinity)$/.test(trimmed)) fail(`"${text}" is not a number`);
  return new SpelDouble(Number(trimmed));
}

/** `Boolean.valueOf(String)`: "true" in any case is true, anything else false. */
export function parseJavaBoolean(value: SpelValue | undefined): boolean {
  if (typeof value === 'boolean') return value;
  return typeof value === 'string' && value.toLowerCase() === 'true';
}

function stringArg(value: SpelValue | undefined, method: string): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) fail(`${method}() needs a string argument, got ${value === null ? 'null' : 'none'}`);
  if (Array.isArray(value) || isSpelMap(value)) fail(`${method}() needs a string argument, got ${kindOf(value)}`);
  return javaText(value);
}

function intArg(value: SpelValue | undefined, method: string): number {
  const number = typeof value === 'string' ? parseJavaInt(value) : numeric(value ?? null);
  if (number === undefined || !Number.isInteger(number)) fail(`${method}() needs a whole number, got ${value === undefined ? 'none' : kindOf(value)}`);
  return number;
}

function numberArg(value: SpelValue | undefined, method: string): number {
  const number = numeric(value ?? null);
  if (number === undefined) fail(`${method}() needs a number, got ${value === undefined ? 'none' : kindOf(value)}`);
  return number;
}

function dateArg(value: SpelValue | undefined, method: string): SpelDate {
  if (!(value instanceof SpelDate)) fail(`${method}() needs a Date, got ${value === undefined ? 'none' : kindOf(value)}`);
  return value;
}

function localDateArg(value: SpelValue | undefined, method: string): SpelLocalDate {
  if (!(value instanceof SpelLocalDate)) fail(`${method}() needs a LocalDate, got ${value === undefined ? 'none' : kindOf(value)}`);
  return value;
}

function listArg(value: SpelValue | undefined, method: string): SpelValue[] {
  if (!Array.isArray(value)) fail(`${method}() needs a list, got ${value === undefined ? 'none' : kindOf(value)}`);
  return value;
}

function mapNumber(value: SpelValue | undefined, operation: (n: number) => number, method: string): SpelValue {
  const number = numberArg(value, method);
  return isDouble(value) ? new SpelDouble(operation(number)) : operation(number);
}

function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function javaHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i += 1) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

/** Java's `String.matches`: the whole text must match. */
export function fullMatch(text: string, pattern: string): boolean {
  return compileRe2(`^(?:${checkedPattern(pattern)})$`).test(text);
}

function checkedPattern(pattern: string): string {
  try {
    compileRe2(pattern);
  } catch (error) {
    fail(`invalid regular expression /${pattern}/: ${error instanceof Error ? error.message : String(error)} (patterns run in RE2: no backreferences or lookaround)`);
  }
  return pattern;
}

interface Match {
  index: number;
  text: string;
  groups: (string | undefined)[];
  named: Record<string, string | undefined>;
}

/** Every non-overlapping match, left to right (an empty match advances by one character). */
function matchesOf(text: string, pattern: string, firstOnly: boolean): Match[] {
  const regex = compileRe2(checkedPattern(pattern), 'gu');
  const found: Match[] = [];
  regex.lastIndex = 0;
  while (regex.lastIndex <= text.length) {
    const match = regex.exec(text);
    if (match === null) break;
    found.push({ index: match.index, text: match[0] ?? '', groups: [...match] as (string | undefined)[], named: { ...(match.groups ?? {}) } });
    if (firstOnly) break;
    if (match[0] === '') regex.lastIndex = match.index + 1;
  }
  return found;
}

/** Java's `replaceAll`/`replaceFirst`: `$1` and `${name}` insert groups, `\` escapes the next character. */
function replaceRegex(text: string, pattern: string, replacement: string, all: boolean): string {
  let out = '';
  let cursor = 0;
  for (const match of matchesOf(text, pattern, !all)) {
    out += text.slice(cursor, match.index) + expandReplacement(replacement, match);
    cursor = match.index + match.text.length;
  }
  return out + text.slice(cursor);
}

function expandReplacement(replacement: string, match: Match): string {
  let out = '';
  for (let i = 0; i < replacement.length; i += 1) {
    const ch = replacement[i]!;
    if (ch === '\\') {
      i += 1;
      if (i >= replacement.length) fail('a replacement must not end with a lone "\\"');
      out += replacement[i];
    } else if (ch === '$') {
      const named = /^\{([A-Za-z][A-Za-z0-9]*)\}/.exec(replacement.slice(i + 1));
      if (named !== null) {
        const name = named[1]!;
        if (!Object.hasOwn(match.named, name)) fail(`no group named "${name}" in the pattern`);
        out += match.named[name] ?? '';
        i += named[0].length;
        continue;
      }
      const digits = /^\d/.exec(replacement.slice(i + 1));
      if (digits === null) fail('"$" in a replacement must be followed by a group number or {name} (write \\$ for a dollar)');
      const group = Number(digits[0]);
      if (group >= match.groups.length) fail(`no group ${group} in the pattern`);
      out += match.groups[group] ?? '';
      i += 1;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Java's `String.split(regex, limit)`: with limit 0 trailing empty strings go; a leading empty match adds nothing. */
function split(text: string, pattern: string, limit: number): string[] {
  if (text === '') return [''];
  const parts: string[] = [];
  let cursor = 0;
  for (const match of matchesOf(text, pattern, false)) {
    if (limit > 0 && parts.length === limit - 1) break;
    if (match.text === '' && match.index === 0) continue;
    if (match.text === '' && match.index >= text.length) break;
    parts.push(text.slice(cursor, match.index));
    cursor = match.index + match.text.length;
  }
  parts.push(text.slice(cursor));
  if (limit === 0) while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (limit === 0 && parts.length === 1 && parts[0] === '' && text !== '') return [];
  return parts;
}
