import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';

/**
 * tsx compiles each .ts module to one line (esbuild, minifyWhitespace), so a CPU profile of a tsx
 * run says "StartStage.ts:1" for every function. Re-running the same transform gives the same
 * code and its source map, which turns the profile's column back into the TypeScript line.
 */
const TSX_OPTIONS = {
  target: `node${process.versions.node}`,
  sourcemap: 'external',
  minifyWhitespace: true,
  keepNames: true,
  format: 'esm',
} as const;

const cache = new Map<string, Array<Array<[number, number]>> | null>();

/** 1-based TypeScript line of (0-based) generated `line`/`column` in a tsx-compiled file, if known. */
export function originalLine(url: string, line: number, column: number): number | undefined {
  if (!url.startsWith('file://') || !/\.(c|m)?ts$/.test(url) || url.includes('/node_modules/')) return undefined;
  let segments = cache.get(url);
  if (segments === undefined) {
    segments = mappingsOf(url);
    cache.set(url, segments);
  }
  const row = segments?.[line];
  if (!row || row.length === 0) return undefined;
  // The last segment starting at or before the column covers it.
  let found: number | undefined;
  for (const [generatedColumn, sourceLine] of row) {
    if (generatedColumn > column) break;
    found = sourceLine;
  }
  return found === undefined ? undefined : found + 1;
}

function mappingsOf(url: string): Array<Array<[number, number]>> | null {
  try {
    const path = fileURLToPath(url);
    const loader = path.endsWith('ts') ? 'ts' : 'js';
    const out = transformSync(readFileSync(path, 'utf8'), { ...TSX_OPTIONS, loader, sourcefile: path });
    const map = JSON.parse(out.map) as { mappings: string };
    return decodeMappings(map.mappings);
  } catch {
    return null;
  }
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Source-map v3 "mappings": per generated line, [generated column, original line] pairs, in order. */
function decodeMappings(mappings: string): Array<Array<[number, number]>> {
  const lines: Array<Array<[number, number]>> = [];
  // Only the original line is kept; a segment's other fields (source, column, name) are not needed.
  let sourceLine = 0;
  for (const lineText of mappings.split(';')) {
    const row: Array<[number, number]> = [];
    let generatedColumn = 0;
    for (const segment of lineText.split(',')) {
      if (!segment) continue;
      const fields = decodeVlq(segment);
      generatedColumn += fields[0] ?? 0;
      if (fields.length >= 4) {
        sourceLine += fields[2] ?? 0;
        row.push([generatedColumn, sourceLine]);
      }
    }
    lines.push(row);
  }
  return lines;
}

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}
