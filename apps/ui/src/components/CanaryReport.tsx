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
  reason?: string;
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
