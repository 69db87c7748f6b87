import { text } from '../api/status';

interface Metric {
  name?: string;
  classification?: string;
  critical?: boolean;
  pValue?: number | null;
  shift?: number | null;
  ci?: [number | null, number | null];
  baselineCount?: number;
  canaryCount?: number;
  baselineSummary?: Summary;
  canarySummary?: Summary;
  baselineSeries?: (number | null)[];
  canarySeries?: (number | null)[];
  reason?: string;
}

interface Summary {
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

interface Step {
  step?: number;
  percent?: number;
  /** The step's metric window (ISO times), which the series span. */
  start?: string;
  end?: string;
  score?: number;
  result?: string;
  reason?: string;
  metrics?: Metric[];
}

const RESULT_STATUS: Record<string, string> = { pass: 'SUCCEEDED', marginal: 'PAUSED', fail: 'TERMINAL' };
const number = (value: number | null | undefined, digits = 3) => (typeof value === 'number' && Number.isFinite(value) ? value.toPrecision(digits) : '—');

/**
 * A canary stage's judgments (its `canaryResults` output): per step the score and verdict, per metric
 * the classification and why, baseline and canary over the step's window and their distributions.
 */
export function CanaryReport({ results }: { results: unknown }) {
  if (!Array.isArray(results) || results.length === 0) return null;
  return (
    <section aria-labelledby="canary-title">
      <h3 id="canary-title">Canary report</h3>
      {(results as Step[]).map((step) => (
        <div key={step.step} className="canary-step">
          <p>
            Step {step.step} ({step.percent} % of traffic): score <strong>{number(step.score, 4)}</strong>{' '}
            <span className={`badge status-${RESULT_STATUS[step.result ?? ''] ?? 'none'}`}>{step.result}</span>
            {step.reason ? ` — ${step.reason}` : ''}
          </p>
          <p className="legend muted">
            <span className="box-baseline">■</span> baseline <span className="box-canary">■</span> canary
          </p>
          <table>
            <caption className="visually-hidden">Metrics of canary step {step.step}</caption>
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col">Classification</th>
                <th scope="col">p-value</th>
                <th scope="col">Shift (canary − baseline) and CI</th>
                <th scope="col">Points (baseline / canary)</th>
                <th scope="col">Over time (baseline, canary)</th>
                <th scope="col">Distributions (baseline, canary)</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {(step.metrics ?? []).map((metric) => (
                <tr key={metric.name}>
                  <td>
                    {metric.name}
                    {metric.critical ? ' (critical)' : ''}
                  </td>
                  <td>
                    <span className={`badge status-${metric.classification === 'Pass' ? 'SUCCEEDED' : 'TERMINAL'}`}>{metric.classification}</span>
                  </td>
                  <td>{number(metric.pValue)}</td>
                  <td>
                    {number(metric.shift)} [{number(metric.ci?.[0])}, {number(metric.ci?.[1])}]
                  </td>
                  <td>
                    {text(metric.baselineCount)} / {text(metric.canaryCount)}
                  </td>
                  <td>
                    <TimeSeries name={metric.name ?? ''} start={step.start} end={step.end} baseline={metric.baselineSeries} canary={metric.canarySeries} />
                  </td>
                  <td>
                    <BoxPlots name={metric.name ?? ''} baseline={metric.baselineSummary} canary={metric.canarySummary} />
                  </td>
                  <td>{metric.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}

const WIDTH = 160;
const ROW = 14;
const CHART_HEIGHT = 40;

const finite = (values: readonly (number | null)[] | undefined) => (values ?? []).filter((value): value is number => value !== null && Number.isFinite(value));
const clock = (iso: string | undefined) => (iso === undefined ? '' : new Date(iso).toLocaleTimeString());

/**
 * Baseline's and canary's values across the step's window as two lines on one scale (each point a
 * bucket's mean; a null is a gap, the line breaks there). Plain SVG, like the box plots.
 */
function TimeSeries(props: { name: string; start: string | undefined; end: string | undefined; baseline: (number | null)[] | undefined; canary: (number | null)[] | undefined }) {
  const { name, start, end } = props;
  const sides = [
    { label: 'baseline', values: props.baseline ?? [], className: 'box-baseline' },
    { label: 'canary', values: props.canary ?? [], className: 'box-canary' },
  ];
  const all = sides.flatMap((side) => finite(side.values));
  if (all.length === 0) return <span className="muted">no data</span>;
  const low = Math.min(...all);
  const high = Math.max(...all);
  const span = high - low || Math.abs(high) || 1;
  const y = (value: number) => CHART_HEIGHT - 3 - ((value - (high === low ? low - span / 2 : low)) / span) * (CHART_HEIGHT - 6);
  const paths = sides.map(({ label, values, className }) => {
    const x = (index: number) => 2 + (values.length <= 1 ? (WIDTH - 4) / 2 : (index / (values.length - 1)) * (WIDTH - 4));
    // A gap starts a new segment (M) instead of joining across the missing bucket.
    const d = values
      .flatMap((value, index) => (value === null ? [] : [`${index === 0 || values[index - 1] === null ? 'M' : 'L'}${x(index).toFixed(1)},${y(value).toFixed(1)}`]))
      .join(' ');
    const shown = finite(values);
    const describe = shown.length === 0 ? `${label} no data` : `${label} ${number(shown[0])} to ${number(shown[shown.length - 1])} (${values.length} points)`;
    return { label, className, d, describe };
  });
  const window = start && end ? ` from ${clock(start)} to ${clock(end)}` : '';
  const label = `${name} over time${window}: ${paths.map((path) => path.describe).join('; ')}`;
  return (
    <svg width={WIDTH} height={CHART_HEIGHT} role="img" aria-label={label} className="series">
      <title>{label}</title>
      {paths.map(({ label: side, className, d }) => (
        <path key={side} className={className} data-side={side} d={d} fill="none" stroke="currentColor" strokeWidth={1.5} />
      ))}
    </svg>
  );
}

/**
 * Baseline's and canary's samples as two box plots (min, quartiles, median, max) on one scale:
 * the shift the table states in numbers, seen. Plain SVG: a chart library would outweigh the page.
 */
function BoxPlots({ name, baseline, canary }: { name: string; baseline: Summary | undefined; canary: Summary | undefined }) {
  const sides = [
    { label: 'baseline', summary: baseline, className: 'box-baseline' },
    { label: 'canary', summary: canary, className: 'box-canary' },
  ].filter((side): side is { label: string; summary: Summary; className: string } => side.summary !== undefined);
  if (sides.length === 0) return <span className="muted">no data</span>;
  const low = Math.min(...sides.map((side) => side.summary.min));
  const high = Math.max(...sides.map((side) => side.summary.max));
  // A constant metric still gets a visible scale: its boxes sit in the middle.
  const span = high - low || Math.abs(high) || 1;
  const x = (value: number) => 4 + ((value - (high === low ? low - span / 2 : low)) / span) * (WIDTH - 8);
  const describe = sides.map(({ label, summary }) => `${label} median ${number(summary.median)} (quartiles ${number(summary.q1)}–${number(summary.q3)}, range ${number(summary.min)}–${number(summary.max)})`);
  return (
    <svg width={WIDTH} height={ROW * 2 + 4} role="img" aria-label={`${name}: ${describe.join('; ')}`}>
      <title>{describe.join('\n')}</title>
      {sides.map(({ label, summary, className }) => {
        const top = (label === 'baseline' ? 0 : ROW) + 2;
        const middle = top + ROW / 2;
        return (
          <g key={label} className={className} data-side={label}>
            <line x1={x(summary.min)} x2={x(summary.max)} y1={middle} y2={middle} stroke="currentColor" />
            <rect x={x(summary.q1)} y={top + 2} width={Math.max(1, x(summary.q3) - x(summary.q1))} height={ROW - 4} fill="currentColor" fillOpacity={0.3} stroke="currentColor" />
            <line x1={x(summary.median)} x2={x(summary.median)} y1={top + 1} y2={top + ROW - 1} stroke="currentColor" strokeWidth={2} />
          </g>
        );
      })}
    </svg>
  );
}
