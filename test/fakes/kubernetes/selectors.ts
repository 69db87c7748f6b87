/**
 * Label and field selectors in their query-string form (`?labelSelector=app=web,tier!=db`) and
 * in their object form (a Deployment's `spec.selector`), with the API server's semantics.
 */
import { isObject, stringMap, type Json, type JsonObject } from './json';
import { badRequest } from './status';

export type Requirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'in' | 'notin'; values: string[] };

/** Splits on commas outside parentheses: `a in (x,y),b` is two requirements. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const KEY = String.raw`[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?`;
const VALUE = String.raw`([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;
const SET_RE = new RegExp(String.raw`^(${KEY})\s+(in|notin)\s+\(([^)]*)\)$`);
const EQ_RE = new RegExp(String.raw`^(${KEY})\s*(==|=|!=)\s*(${VALUE})$`);
const EXISTS_RE = new RegExp(String.raw`^(!?)\s*(${KEY})$`);

export function parseLabelSelector(text: string): Requirement[] {
  return splitTopLevel(text).map((part): Requirement => {
    const set = SET_RE.exec(part);
    if (set) {
      const values = (set[4] ?? '').split(',').map((v) => v.trim()).filter((v) => v !== '');
      return { key: set[1] ?? '', op: set[3] === 'notin' ? 'notin' : 'in', values };
    }
    const eq = EQ_RE.exec(part);
    if (eq) {
      return { key: eq[1] ?? '', op: eq[3] === '!=' ? 'notin' : 'in', values: [eq[4] ?? ''] };
    }
    const exists = EXISTS_RE.exec(part);
    if (exists) return { key: exists[2] ?? '', op: exists[1] === '!' ? 'notexists' : 'exists' };
    throw badRequest(`unable to parse requirement: found '${part}', expected a valid label selector`);
  });
}

export function matchesRequirements(labels: Record<string, string>, requirements: Requirement[]): boolean {
  return requirements.every((req) => {
    const value = labels[req.key];
    switch (req.op) {
      case 'exists':
        return value !== undefined;
      case 'notexists':
        return value === undefined;
      case 'in':
        return value !== undefined && req.values.includes(value);
      case 'notin':
        // As in Kubernetes: `k!=v` and `k notin (v)` also match objects without the label.
        return value === undefined || !req.values.includes(value);
    }
  });
}

/** A LabelSelector object (`matchLabels` + `matchExpressions`) as requirements. */
export function requirementsOfSelector(selector: JsonObject): Requirement[] {
  const requirements: Requirement[] = Object.entries(stringMap(selector.matchLabels)).map(([key, value]) => ({ key, op: 'in', values: [value] }));
  const expressions = selector.matchExpressions;
  if (Array.isArray(expressions)) {
    for (const expr of expressions) {
      if (!isObject(expr) || typeof expr.key !== 'string') continue;
      const values = Array.isArray(expr.values) ? expr.values.filter((v): v is string => typeof v === 'string') : [];
      switch (expr.operator) {
        case 'In': requirements.push({ key: expr.key, op: 'in', values }); break;
        case 'NotIn': requirements.push({ key: expr.key, op: 'notin', values }); break;
        case 'Exists': requirements.push({ key: expr.key, op: 'exists' }); break;
        case 'DoesNotExist': requirements.push({ key: expr.key, op: 'notexists' }); break;
      }
    }
  }
  return requirements;
}

/** The string form, as in a Scale's `status.selector` (`app=web,tier in (a,b)`). */
export function selectorString(requirements: Requirement[]): string {
  return requirements.map((req) => {
    switch (req.op) {
      case 'exists': return req.key;
      case 'notexists': return `!${req.key}`;
      case 'in': return req.values.length === 1 ? `${req.key}=${req.values[0]}` : `${req.key} in (${req.values.join(',')})`;
      case 'notin': return req.values.length === 1 ? `${req.key}!=${req.values[0]}` : `${req.key} notin (${req.values.join(',')})`;
    }
  }).join(',');
}

export interface FieldRequirement {
  path: string[];
  equals: boolean;
  value: string;
}

export function parseFieldSelector(text: string): FieldRequirement[] {
  return splitTopLevel(text).map((part) => {
    const match = /^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!match) throw badRequest(`invalid field selector: '${part}'`);
    return { path: (match[1] ?? '').split('.'), equals: match[2] !== '!=', value: match[3] ?? '' };
  });
}

export function matchesFields(object: JsonObject, requirements: FieldRequirement[]): boolean {
  return requirements.every((req) => {
    let current: Json | undefined = object;
    for (const key of req.path) current = isObject(current) ? current[key] : undefined;
    // An absent field compares as the empty string, as the API server's field sets do.
    const actual = current === undefined || current === null ? '' : String(current);
    return (actual === req.value) === req.equals;
  });
}
