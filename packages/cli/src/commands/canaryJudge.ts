import { DEFAULT_CONFIDENCE, canaryConfigSchema, judge, type CanaryConfig, type JudgeReport, type MetricReport } from '@gantry/canary';
import { formatPath } from '@gantry/core';
import { z } from 'zod';
import { CliError, EXIT, type ExitCode } from '../errors';
import { readInput, type CliIo } from '../io';
import { formatTable } from '../table';

/** A series in JSON: null stands for a missing value (NaN), which the metric's nanStrategy handles. */
const series = z.array(z.number().nullable()).transform((values) => values.map((v) => v ?? Number.NaN));

const judgeInputSchema = z.strictObject({
  config: canaryConfigSchema,
  metrics: z.record(z.string(), z.strictObject({ baseline: series, canary: series })),
});

export type JudgeFormat = 'json' | 'table';

function parseInput(text: string, file: string) {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file === '-' ? 'stdin' : file}: not JSON: ${(error as Error).message}`, EXIT.BAD_INPUT);
  }
  const parsed = judgeInputSchema.safeParse(json);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const where = issue === undefined || issue.path.length === 0 ? '(top level)' : formatPath(issue.path.map((s) => (typeof s === 'number' ? s : String(s))));
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
    throw new CliError(`${where}: ${issue?.message ?? 'invalid'}${more}`, EXIT.BAD_INPUT);
  }
  return parsed.data;
}

/** The published JSON: the contract's fields first, in order, then the extras. NaN prints as null. */
function toJson(report: JudgeReport) {
  return {
    score: report.score,
    result: report.result,
    metrics: report.metrics.map((m) => ({
      name: m.name,
      classification: m.classification,
      u: m.u,
      pValue: m.pValue,
      shift: m.shift,
      ci: m.ci,
      baselineCount: m.baselineCount,
      canaryCount: m.canaryCount,
      critical: m.critical,
      meanRatio: m.meanRatio,
      ...(m.group === undefined ? {} : { group: m.group }),
      ...(m.reason === undefined ? {} : { reason: m.reason }),
    })),
    groups: report.groups,
    ...(report.reason === undefined ? {} : { reason: report.reason }),
  };
}

const signed = (value: number) => (Number.isNaN(value) ? '-' : `${value > 0 ? '+' : ''}${Number(value.toPrecision(4))}`);

function toTable(report: JudgeReport, config: CanaryConfig): string {
  const confidence = config.confidence ?? DEFAULT_CONFIDENCE;
  const critical = new Set(config.metrics.filter((m) => m.critical === true).map((m) => m.name));
  const header = ['metric', 'class', 'p-value', 'shift', `${Math.round(confidence * 1000) / 10}% CI`, 'baseline', 'canary', 'note'];
  const row = (m: MetricReport) => [
    critical.has(m.name) ? `${m.name} (critical)` : m.name,
    m.classification,
    Number.isNaN(m.pValue) ? '-' : m.pValue.toPrecision(3),
    signed(m.shift),
    Number.isNaN(m.ci[0]) ? '-' : `[${signed(m.ci[0])}, ${signed(m.ci[1])}]`,
    String(m.baselineCount),
    String(m.canaryCount),
    m.reason ?? '',
  ];
  const verdict = `score ${report.score.toFixed(1)}: ${report.result.toUpperCase()}${report.reason === undefined ? '' : ` (${report.reason})`}`;
  return `${formatTable(header, report.metrics.map(row))}\n\n${verdict}\n`;
}

/** `gantry canary judge`: judge recorded samples offline; the exit code is the verdict. */
export async function canaryJudge(file: string, format: JudgeFormat, io: CliIo): Promise<ExitCode> {
  const input = parseInput(await readInput(file, io), file);
  const report = judge(input.config, input.metrics);
  io.stdout(format === 'table' ? toTable(report, input.config) : `${JSON.stringify(toJson(report), null, 2)}\n`);
  return report.result === 'pass' ? EXIT.OK : EXIT.FAILED;
}
