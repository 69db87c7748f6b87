import { RE2 } from 're2-wasm';

/**
 * Patterns written by pipeline authors (trigger payload constraints, SpEL's `matches`, `split`,
 * `replaceAll`) run in RE2, whose matching time is linear in the text: no pattern can backtrack
 * for minutes the way a JavaScript or Java regex can.
 */

/** Longer patterns are refused: RE2's work per character grows with the pattern. */
export const MAX_REGEX_CHARS = 1000;

// re2-wasm objects live in a fixed 16 MB WebAssembly heap that JavaScript's garbage collector does
// not see: each must be deleted explicitly, or a few thousand compilations exhaust the heap and
// break every later match. Recently used patterns stay compiled (matching a compiled one is the
// cheap part: its first match builds RE2's DFA), the least recently used one is deleted.
const COMPILED_CACHE_SIZE = 64;
const compiled = new Map<string, RE2>();

/**
 * The compiled pattern, shared: callers using the `g` flag set `lastIndex` before each search.
 * RE2 only runs in unicode mode; JavaScript's `u` rules (e.g. no needless escapes) apply too.
 */
export function compileRe2(source: string, flags: 'u' | 'gu' = 'u'): RE2 {
  const key = `${flags}/${source}`;
  const cached = compiled.get(key);
  if (cached !== undefined) {
    compiled.delete(key);
    compiled.set(key, cached);
    return cached;
  }
  if (source.length > MAX_REGEX_CHARS) throw new Error(`the pattern is longer than ${MAX_REGEX_CHARS} characters`);
  const regex = new RE2(source, flags);
  compiled.set(key, regex);
  for (const [oldest, evicted] of compiled) {
    if (compiled.size <= COMPILED_CACHE_SIZE) break;
    compiled.delete(oldest);
    deleteCompiled(evicted);
  }
  return regex;
}

/** Frees the pattern's WebAssembly memory (re2-wasm keeps its embind handle in a private field). */
function deleteCompiled(regex: RE2): void {
  (regex as unknown as { wrapper: { delete(): void } }).wrapper.delete();
}

/** Why the pattern cannot be used, or undefined. */
export function re2Problem(source: string): string | undefined {
  try {
    compileRe2(source);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return source.length > MAX_REGEX_CHARS ? message : `${message} (patterns run in RE2: no backreferences or lookaround)`;
  }
}
