/**
 * The subset of Jayway JsonPath that Spinnaker webhook stages use in practice: `$.a.b`,
 * `$.a[0].b`, `$['a-b']`, `$.items[-1]` and the bare `a.b` form. Filters, wildcards, slices and
 * deep scans are rejected with a clear error rather than half-supported.
 */

export type JsonPathSegment = { kind: 'property'; name: string } | { kind: 'index'; index: number };

export class JsonPathSyntaxError extends Error {
  constructor(path: string, reason: string) {
    super(`invalid JSON path "${path}": ${reason}`);
    this.name = 'JsonPathSyntaxError';
  }
}

const NAME_STOP = new Set(['.', '[', ']']);

export function parseJsonPath(path: string): JsonPathSegment[] {
  const src = path.trim();
  const segments: JsonPathSegment[] = [];
  let i = 0;
  const fail = (reason: string): never => {
    throw new JsonPathSyntaxError(path, reason);
  };

  const readName = (): string => {
    const start = i;
    while (i < src.length && !NAME_STOP.has(src.charAt(i))) i++;
    const name = src.slice(start, i);
    if (name === '') fail(`expected a property name at position ${start}`);
    if (name === '*') fail('wildcards are not supported');
    return name;
  };

  const readBracket = (): JsonPathSegment => {
    i++; // '['
    const quote = src.charAt(i);
    if (quote === "'" || quote === '"') {
      i++;
      let name = '';
      for (;;) {
        if (i >= src.length) fail('unterminated quoted name');
        const ch = src.charAt(i);
        if (ch === '\\') {
          if (i + 1 >= src.length) fail('unterminated quoted name');
          name += src.charAt(i + 1);
          i += 2;
          continue;
        }
        if (ch === quote) break;
        name += ch;
        i++;
      }
      i++; // closing quote
      if (src.charAt(i) !== ']') fail(`expected "]" at position ${i} (unions are not supported)`);
      i++;
      return { kind: 'property', name };
    }
    const close = src.indexOf(']', i);
    if (close === -1) fail('unterminated "["');
    const inner = src.slice(i, close).trim();
    if (!/^-?\d+$/.test(inner)) {
      fail(`unsupported selector "[${inner}]" (only [n], ['name'] and ["name"] are supported)`);
    }
    i = close + 1;
    return { kind: 'index', index: Number(inner) };
  };

  if (src.startsWith('$')) {
    i = 1;
  } else if (src !== '' && src.charAt(0) !== '[') {
    // Bare form (`a.b`): the first name has no leading dot.
    segments.push({ kind: 'property', name: readName() });
  }

  while (i < src.length) {
    const ch = src.charAt(i);
    if (ch === '.') {
      i++;
      if (src.charAt(i) === '.') fail('deep scan ("..") is not supported');
      segments.push({ kind: 'property', name: readName() });
    } else if (ch === '[') {
      segments.push(readBracket());
    } else {
      fail(`unexpected "${ch}" at position ${i}`);
    }
  }
  return segments;
}

export type JsonPathResult = { found: true; value: unknown } | { found: false };

export function evaluateJsonPath(document: unknown, segments: readonly JsonPathSegment[]): JsonPathResult {
  let current: unknown = document;
  for (const segment of segments) {
    if (segment.kind === 'index') {
      if (!Array.isArray(current)) return { found: false };
      // Negative indexes count from the end, as in Jayway.
      const index = segment.index < 0 ? current.length + segment.index : segment.index;
      if (index < 0 || index >= current.length) return { found: false };
      current = current[index];
    } else {
      // Own properties only: `constructor` or `__proto__` in a path must not reach prototypes.
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return { found: false };
      if (!Object.hasOwn(current, segment.name)) return { found: false };
      current = (current as Record<string, unknown>)[segment.name];
    }
  }
  return { found: true, value: current };
}

/** Parses and evaluates in one go; throws JsonPathSyntaxError for an unsupported path. */
export function readJsonPath(document: unknown, path: string): JsonPathResult {
  return evaluateJsonPath(document, parseJsonPath(path));
}
