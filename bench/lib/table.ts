import type { BenchResult } from './result';

/** A plain-text table: columns padded to their widest cell, so it reads the same in any terminal or log. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

export function formatSummary(results: Array<{ result: BenchResult; summary: Array<[string, string]> }>): string {
  const sections: string[] = [];
  const metricRows: string[][] = [];
  for (const { result, summary } of results) {
    const head = result.status === 'ok' ? `${(result.durationMs / 1000).toFixed(1)} s` : `${result.status.toUpperCase()}: ${result.reason ?? ''}`;
    metricRows.push([result.name, '(run)', head]);
    for (const [metric, value] of summary) metricRows.push([result.name, metric, value]);
  }
  sections.push(formatTable(['benchmark', 'metric', 'value'], metricRows));

  const targetRows = results.flatMap(({ result }) =>
    result.targets.map((t) => [result.name, t.name, t.target, t.value === null ? '-' : String(t.value), t.met ? 'yes' : 'NO']),
  );
  if (targetRows.length > 0) sections.push(formatTable(['benchmark', 'target', 'bound', 'value', 'met'], targetRows));
  return sections.join('\n\n');
}
