import type { SampleMetric } from '@gantry/providers/local/protocol';

/**
 * Recent requests of one server group, as the canary judge reads them (`GET /samples`): a ring of
 * fixed size, so memory stays bounded however long the agent runs; the oldest requests drop out.
 */
export class RequestSamples {
  private readonly times: Float64Array;
  private readonly latencies: Float64Array;
  private readonly errors: Uint8Array;
  private next = 0;
  private size = 0;

  constructor(readonly capacity = 100_000) {
    this.times = new Float64Array(capacity);
    this.latencies = new Float64Array(capacity);
    this.errors = new Uint8Array(capacity);
  }

  record(atMs: number, latencyMs: number, error: boolean): void {
    this.times[this.next] = atMs;
    this.latencies[this.next] = latencyMs;
    this.errors[this.next] = error ? 1 : 0;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** One value per step of `[start, end)`; null where a step saw no request. */
  series(metric: SampleMetric, start: number, end: number, stepMs: number): (number | null)[] {
    const steps = Math.max(0, Math.ceil((end - start) / stepMs));
    const buckets: { latencies: number[]; errors: number }[] = Array.from({ length: steps }, () => ({ latencies: [], errors: 0 }));
    for (let i = 0; i < this.size; i++) {
      const at = this.times[i]!;
      if (at < start || at >= end) continue;
      const bucket = buckets[Math.floor((at - start) / stepMs)]!;
      bucket.latencies.push(this.latencies[i]!);
      bucket.errors += this.errors[i]!;
    }
    return buckets.map((bucket) => (bucket.latencies.length === 0 ? null : summarize(metric, bucket.latencies, bucket.errors, stepMs)));
  }
}

function summarize(metric: SampleMetric, latencies: number[], errors: number, stepMs: number): number {
  const count = latencies.length;
  switch (metric) {
    case 'errorRate':
      return errors / count;
    case 'requestRate':
      return count / (stepMs / 1000);
    case 'latencyMean':
      return latencies.reduce((sum, value) => sum + value, 0) / count;
    case 'latencyP50':
      return percentile(latencies, 0.5);
    case 'latencyP95':
      return percentile(latencies, 0.95);
    case 'latencyP99':
      return percentile(latencies, 0.99);
  }
}

/** Nearest-rank percentile: a latency some request really had. */
export function percentile(values: number[], quantile: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(quantile * sorted.length) - 1)]!;
}
