import { defineEntry, isPlainObject } from '../celValues';

/**
 * Fields a stage type keeps as written: their `${…}` are not Gantry expressions but templates the
 * stage fills in itself (a canary metric query's `${scope}`). A pattern is a path whose `*` matches
 * any key or index, e.g. `['canaryConfig', 'metrics', '*', 'query']`, and whose `**` any depth.
 */
export type LiteralFieldPattern = readonly string[];

type Path = (string | number)[];

/** The literal field patterns of a stage type for one stage's fields as written. */
export function literalFieldsOf(
  stageType: { literalFields?: readonly LiteralFieldPattern[] | ((fields: Record<string, unknown>) => readonly LiteralFieldPattern[]) } | undefined,
  fields: Record<string, unknown>,
): readonly LiteralFieldPattern[] {
  const declared = stageType?.literalFields ?? [];
  return typeof declared === 'function' ? declared(fields) : declared;
}

interface Literal {
  path: Path;
  value: unknown;
}

/** The value with every literal field taken out, and the literals to put back after resolving. */
export function setLiteralsAside(value: unknown, patterns: readonly LiteralFieldPattern[]): { rest: unknown; literals: Literal[] } {
  const literals: Literal[] = [];
  let rest = value;
  for (const pattern of patterns) {
    for (const path of matches(value, pattern, [])) {
      literals.push({ path, value: get(value, path) });
      rest = withValueAt(rest, path, undefined);
    }
  }
  return { rest, literals };
}

export function putLiteralsBack(value: unknown, literals: readonly Literal[]): unknown {
  return literals.reduce((current, literal) => withValueAt(current, literal.path, literal.value), value);
}

function matches(value: unknown, pattern: LiteralFieldPattern, at: Path): Path[] {
  const [head, ...tail] = pattern;
  if (head === undefined) return [at];
  const children: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : isPlainObject(value)
      ? Object.entries(value)
      : [];
  // `**` matches any depth, itself included: every string under a field (a manifest's text).
  if (head === '**') {
    const here = tail.length === 0 ? (typeof value === 'string' ? [at] : []) : matches(value, tail, at);
    return [...here, ...children.flatMap(([key, child]) => matches(child, pattern, [...at, key]))];
  }
  return children
    .filter(([key]) => head === '*' || key === head)
    .filter(([, child]) => tail.length > 0 || typeof child === 'string')
    .flatMap(([key, child]) => matches(child, tail, [...at, key]));
}

function get(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((current, key) => (current as Record<string | number, unknown> | undefined)?.[key], value);
}

/** A copy with the value at `path` replaced (undefined: the key removed); the original is untouched. */
function withValueAt(value: unknown, path: Path, replacement: unknown): unknown {
  const [key, ...rest] = path;
  if (key === undefined) return replacement;
  if (Array.isArray(value) && typeof key === 'number') {
    const copy = Array.from<unknown>(value);
    copy[key] = withValueAt(copy[key], rest, replacement);
    return copy;
  }
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = { ...value };
  const next = withValueAt(copy[key], rest, replacement);
  if (next === undefined) delete copy[key];
  else defineEntry(copy, String(key), next);
  return copy;
}
