import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BOUNDED_LABELS } from '../support/metricLabels';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Label names that always mean an unbounded set, so an allow-list entry for one is refused too. */
const UNBOUNDED = /(^|_)(id|ids|uuid|execution|task|stage_id|url|path|user|email|token|trace)($|_)|Id$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** `labelNames: ['a', 'b']` and `const labelNames = ['a', 'b']` in Gantry's sources, by file. */
function declaredLabels(): { file: string; label: string }[] {
  const found: { file: string; label: string }[] = [];
  for (const file of [...sourceFiles(join(root, 'apps')), ...sourceFiles(join(root, 'packages'))]) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/labelNames\s*[:=]\s*\[([^\]]*)\]/g)) {
      for (const label of match[1]!.matchAll(/['"]([^'"]+)['"]/g)) found.push({ file: relative(root, file), label: label[1]! });
    }
  }
  return found;
}

describe('metric labels are bounded', () => {
  it('finds the metrics it checks (the scan reads the sources)', () => {
    const files = new Set(declaredLabels().map(({ file }) => file));
    expect(files).toContain('apps/worker/src/engine/metrics.ts');
    expect(files).toContain('packages/providers/src/ObservedProvider.ts');
    expect(files).toContain('packages/queue/src/metrics.ts');
  });

  it('every label of every metric is one of the bounded labels', () => {
    const unknown = declaredLabels().filter(({ label }) => BOUNDED_LABELS[label] === undefined);
    expect(unknown).toEqual([]);
  });

  it('no bounded label is an id, a URL, a user or a trace', () => {
    expect(Object.keys(BOUNDED_LABELS).filter((label) => UNBOUNDED.test(label))).toEqual([]);
    for (const bad of ['execution_id', 'executionId', 'task', 'stage_id', 'url', 'trace_id', 'user']) expect(UNBOUNDED.test(bad), bad).toBe(true);
  });
});
