/**
 * Where each value of a JSON text starts (1-based line), by its path joined with dots
 * (`stages.1.waitTime`), so the API's `details.issues[].path` can be shown at its line. Only for
 * text JSON.parse accepts; the empty path is the root.
 */
export function jsonLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let at = 0;
  let line = 1;
  const skip = () => {
    while (at < text.length && /\s/.test(text[at] ?? '')) {
      if (text[at] === '\n') line++;
      at++;
    }
  };
  const string = () => {
    const start = at;
    at++;
    while (at < text.length && text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
    at++;
    return JSON.parse(text.slice(start, at)) as string;
  };
  const value = (path: string) => {
    skip();
    if (!lines.has(path)) lines.set(path, line);
    const join = (key: string | number) => (path === '' ? String(key) : `${path}.${key}`);
    const c = text[at];
    if (c === '{') {
      at++;
      skip();
      while (text[at] !== '}') {
        skip();
        const keyLine = line;
        const key = string();
        lines.set(join(key), keyLine);
        skip();
        at++; // :
        value(join(key));
        skip();
        if (text[at] === ',') at++;
        skip();
      }
      at++;
    } else if (c === '[') {
      at++;
      skip();
      for (let index = 0; text[at] !== ']'; index++) {
        value(join(index));
        skip();
        if (text[at] === ',') at++;
        skip();
      }
      at++;
    } else if (c === '"') {
      string();
    } else {
      while (at < text.length && /[^\s,\]}]/.test(text[at] ?? '')) at++;
    }
  };
  value('');
  return lines;
}

/** The line of the deepest part of `path` the text has (a missing field is reported at its parent). */
export function lineOf(lines: Map<string, number>, path: readonly (string | number)[]): number {
  for (let length = path.length; length >= 0; length--) {
    const found = lines.get(path.slice(0, length).join('.'));
    if (found !== undefined) return found;
  }
  return 1;
}

/** Lines of `before` and `after` as kept, removed or added (longest common subsequence). */
export function lineDiff(before: string, after: string): { kind: ' ' | '-' | '+'; text: string }[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const table = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = table[i] as Uint32Array;
      row[j] = a[i] === b[j] ? (table[i + 1] as Uint32Array)[j + 1]! + 1 : Math.max((table[i + 1] as Uint32Array)[j]!, row[j + 1]!);
    }
  }
  const out: { kind: ' ' | '-' | '+'; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ kind: ' ', text: a[i++]! });
      j++;
    } else if (j < b.length && (i >= a.length || (table[i] as Uint32Array)[j + 1]! >= (table[i + 1] as Uint32Array)[j]!)) {
      out.push({ kind: '+', text: b[j++]! });
    } else {
      out.push({ kind: '-', text: a[i++]! });
    }
  }
  return out;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `value` with its object keys in the order `like` has them (keys `like` lacks after them), at every
 * depth: a stored version's JSON keeps the server's key order, so without this a diff against the
 * editor's text would show every moved key as removed and added.
 */
export function orderedLike(value: unknown, like: unknown): unknown {
  if (Array.isArray(value)) return value.map((item, index) => orderedLike(item, Array.isArray(like) ? like[index] : undefined));
  if (!isObject(value)) return value;
  const template = isObject(like) ? like : {};
  const keys = [...Object.keys(template).filter((key) => key in value), ...Object.keys(value).filter((key) => !(key in template))];
  return Object.fromEntries(keys.map((key) => [key, orderedLike(value[key], template[key])]));
}
