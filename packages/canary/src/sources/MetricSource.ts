import type { CanaryMetricConfig } from '../config';

/** One series to fetch: a metric of one server group (the canary's or the baseline's) over the interval. */
export interface MetricQuery {
  metric: CanaryMetricConfig;
  /** The server group name. */
  scope: string;
  role: 'canary' | 'baseline';
  start: Date;
  end: Date;
  stepSec: number;
}

/** Where metric values come from. `fetch` resolves to the values in time order; NaN marks a missing value. */
export interface MetricSource {
  readonly type: string;
  fetch(query: MetricQuery): Promise<number[]>;
}

/**
 * A metric source could not answer: the message names the source, the URL and the reason.
 * `permanent` when asking again cannot help (the source refused the query or the credentials: a
 * 4xx other than 429), so a caller need not wait out its retries.
 */
export class MetricSourceError extends Error {
  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'MetricSourceError';
  }
}
