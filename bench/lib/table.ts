import { formatTable } from '../../packages/cli/src/table';
import type { BenchResult } from './result';

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
