/**
 * The API server's metadata checks, so a provider that renders an invalid name or label value
 * (an image tag in a label, an upper-case name) fails here exactly as it would in a cluster.
 */
import { isObject, type Json } from '../json';
import type { FieldCause } from '../status';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export type NameRule = 'subdomain' | 'label' | 'dns1035';

export function invalidValue(field: string, value: Json | undefined, why: string): FieldCause {
  return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(value ?? null)}: ${why}` };
}

export function required(field: string): FieldCause {
  return { reason: 'FieldValueRequired', field, message: 'Required value' };
}

export function nameCauses(name: string, rule: NameRule, field = 'metadata.name'): FieldCause[] {
  if (name === '') return [required(field)];
  switch (rule) {
    case 'subdomain':
      return name.length <= 253 && DNS1123_SUBDOMAIN.test(name) ? [] : [invalidValue(field, name, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character")];
    case 'label':
      return name.length <= 63 && DNS1123_LABEL.test(name) ? [] : [invalidValue(field, name, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character")];
    case 'dns1035':
      return name.length <= 63 && DNS1035_LABEL.test(name) ? [] : [invalidValue(field, name, "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character")];
  }
}

function keyCauses(key: string, field: string): FieldCause[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix));
  return prefixOk && name.length <= 63 && QUALIFIED_NAME.test(name) ? [] : [invalidValue(field, key, 'name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character')];
}

/** Label keys and values; `field` is e.g. `metadata.labels`. */
export function labelCauses(labels: Json | undefined, field: string): FieldCause[] {
  if (labels === undefined || labels === null) return [];
  if (!isObject(labels)) return [invalidValue(field, labels, 'must be a map of strings')];
  const causes: FieldCause[] = [];
  for (const [key, value] of Object.entries(labels)) {
    causes.push(...keyCauses(key, field));
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      causes.push(invalidValue(`${field}`, value, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters)"));
    }
  }
  return causes;
}

export function annotationCauses(annotations: Json | undefined, field: string): FieldCause[] {
  if (annotations === undefined || annotations === null) return [];
  if (!isObject(annotations)) return [invalidValue(field, annotations, 'must be a map of strings')];
  return Object.entries(annotations).flatMap(([key, value]) => [
    ...keyCauses(key, field),
    ...(typeof value === 'string' ? [] : [invalidValue(field, value, 'annotation values must be strings')]),
  ]);
}

export function isNonNegativeInteger(value: Json | undefined): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
