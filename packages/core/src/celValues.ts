/**
 * Conversions between the JSON values Gantry stores and the values cel-js computes with.
 *
 * cel-js treats every JS `number` as a CEL `double` and CEL `int`s are `bigint`s. CEL has no
 * implicit int/double arithmetic, so a JSON parameter `3` would make `parameters.count + 1` fail
 * with "no such overload: double + int". Whole numbers therefore enter CEL as ints, and every
 * result leaves as plain JSON-friendly JS.
 */

/** Deep copy of JSON-like data with safe whole numbers as bigint (CEL ints); `undefined` dropped. */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) defineEntry(out, key, toCel(item));
    }
    return out;
  }
  return value;
}

/** A CEL result as JSON-friendly JS: ints become numbers (strings if unsafe), timestamps ISO text. */
export function fromCel(value: unknown): unknown {
  if (typeof value === 'bigint') return bigintToJson(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of value) defineEntry(out, String(key), fromCel(item));
    return out;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) defineEntry(out, key, fromCel(item));
    return out;
  }
  return fromCelObject(value);
}

/** cel-js's own classes (uint, duration, type, optional) are not exported, so they are recognised by shape. */
function fromCelObject(value: object): unknown {
  if ('hasValue' in value && typeof value.hasValue === 'function' && 'value' in value && typeof value.value === 'function') {
    // An optional: its value when present, null when empty.
    const optional = value as { hasValue(): unknown; value(): unknown };
    return optional.hasValue() === true ? fromCel(optional.value()) : null;
  }
  const primitive = value.valueOf();
  if (typeof primitive === 'bigint') return bigintToJson(primitive); // uint
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- cel-js's duration and type classes define toString
  return String(value); // duration ("90s"), type ("int") and anything else with a text form
}

function bigintToJson(value: bigint): number | string {
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : value.toString();
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Own data property even for a key like "__proto__", so data never rewrites a prototype. That key is
 * the only inherited accessor a plain object has: any other key is assigned, which keeps the object
 * in V8's fast mode (defineProperty on every key cost the engine's audit and stage-context copies).
 */
export function defineEntry(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
