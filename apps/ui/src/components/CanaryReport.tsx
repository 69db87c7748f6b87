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
  score?: number;
  result?: string;
  reason?: string;
  metrics?: Metric[];
}

const RESULT_STATUS: Record<string, string> = { pass: 'SUCCEEDED', marginal: 'PAUSED', fail: 'TERMINAL' };
const number = (value: number | null | undefined, digits = 3) => (typeof value === 'number' && Number.isFinite(value) ? value.toPrecision(digits) : '—');

/** A canary stage's judgments (its `canaryResults` output): per step the score and verdict, per metric the classification and why. */
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
          <table>
            <caption className="visually-hidden">Metrics of canary step {step.step}</caption>
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col">Classification</th>
                <th scope="col">p-value</th>
                <th scope="col">Shift (canary − baseline) and CI</th>
                <th scope="col">Points (baseline / canary)</th>
                <th scope="col">Baseline vs canary</th>
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
