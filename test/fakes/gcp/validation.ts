/** GCE's checks on names and labels, with the field paths and messages it answers 400 with. */
import { isObject, type Json } from '../kubernetes/json';
import { invalidField, requiredField } from './errors';

const NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const NAME_REGEX_TEXT = '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)';
const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;
const MAX_LABELS = 64;

/** `field` is GCE's path for it, e.g. `resource.name`. */
export function requireName(value: Json | undefined, field = 'resource.name'): string {
  if (value === undefined || value === null || value === '') throw requiredField(field);
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw invalidField(field, String(value), `Must be a match of regex '${NAME_REGEX_TEXT}'`);
  }
  return value;
}

/** A path parameter naming a resource: GCE checks it the same way. */
export function checkPathName(value: string, field: string): void {
  requireName(value, field);
}

/** Label maps (`resource.labels`, `resource.properties.labels`): lower-case keys and values, ≤ 63 characters. */
export function checkLabels(value: Json | undefined, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw invalidField(field, JSON.stringify(value), 'Labels must be a map of strings.');
  const entries = Object.entries(value);
  if (entries.length > MAX_LABELS) throw invalidField(field, `${entries.length} labels`, `A resource can have at most ${MAX_LABELS} labels.`);
  const labels: Record<string, string> = {};
  for (const [key, item] of entries) {
    if (!LABEL_KEY.test(key)) {
      throw invalidField(`${field}.key`, key, 'Label keys must start with a lowercase letter and contain only lowercase letters, numeric characters, underscores and dashes, at most 63 characters.');
    }
    if (typeof item !== 'string' || !LABEL_VALUE.test(item)) {
      throw invalidField(`${field}.${key}`, String(item), 'Label values can only contain lowercase letters, numeric characters, underscores and dashes, at most 63 characters.');
    }
    labels[key] = item;
  }
  return labels;
}

/** A non-negative integer field (GCE sends int32 fields as numbers). */
export function requireCount(value: Json | undefined, field: string): number {
  if (value === undefined || value === null) throw requiredField(field);
  const count = typeof value === 'string' ? Number(value) : value;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    throw invalidField(field, String(value), 'Must be greater than or equal to 0');
  }
  return count;
}
