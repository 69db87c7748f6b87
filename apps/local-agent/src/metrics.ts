import { Counter, Histogram, Registry } from 'prom-client';
import { RequestSamples } from './samples';

/**
 * What the cluster proxies measure, per server group: Prometheus counters and a latency histogram
 * in the agent's own registry (served at `/metrics`), and the recent requests the canary judge
 * reads through `/samples`.
 */
export class ProxyMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'cluster' | 'server_group' | 'code'>;
  private readonly errors: Counter<'cluster' | 'server_group' | 'code'>;
  private readonly duration: Histogram<'cluster' | 'server_group'>;
  private readonly samples = new Map<string, RequestSamples>();
  /** The status codes each group answered with: its label sets, to remove when it goes. */
  private readonly codes = new Map<string, Set<string>>();

  constructor(private readonly samplesPerGroup = 100_000) {
    const labelNames = ['cluster', 'server_group', 'code'] as const;
    this.requests = new Counter({ name: 'gantry_proxy_requests_total', help: 'Requests the cluster proxy answered, by server group and status code', labelNames, registers: [this.registry] });
    this.errors = new Counter({
      name: 'gantry_proxy_request_errors_total',
      help: 'Requests answered with a 5xx, by the server group or by the proxy itself (server_group "" when no group could take it)',
      labelNames,
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'gantry_proxy_request_duration_seconds',
      help: 'Time from the request reaching the proxy to the end of the answer',
      labelNames: ['cluster', 'server_group'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
  }

  record(cluster: string, serverGroup: string, code: number, seconds: number): void {
    const labels = { cluster, server_group: serverGroup, code: String(code) };
    this.requests.inc(labels);
    if (!this.codes.get(serverGroup)?.add(labels.code)) this.codes.set(serverGroup, new Set([labels.code]));
    const error = code >= 500;
    if (error) this.errors.inc(labels);
    this.duration.observe({ cluster, server_group: serverGroup }, seconds);
    if (serverGroup !== '') this.samplesOf(serverGroup).record(Date.now(), seconds * 1000, error);
  }

  /** The group's recent requests, without making room for a group that never had any. */
  series(serverGroup: string, ...query: Parameters<RequestSamples['series']>): (number | null)[] {
    const samples = this.samples.get(serverGroup);
    if (samples) return samples.series(...query);
    const [, start, end, stepMs] = query;
    return new Array<null>(Math.max(0, Math.ceil((end - start) / stepMs))).fill(null);
  }

  private samplesOf(serverGroup: string): RequestSamples {
    let samples = this.samples.get(serverGroup);
    if (!samples) {
      samples = new RequestSamples(this.samplesPerGroup);
      this.samples.set(serverGroup, samples);
    }
    return samples;
  }

  /** A destroyed group's series go, so memory follows the groups that exist. */
  forget(cluster: string, serverGroup: string): void {
    this.samples.delete(serverGroup);
    for (const code of this.codes.get(serverGroup) ?? []) {
      const labels = { cluster, server_group: serverGroup, code };
      this.requests.remove(labels);
      this.errors.remove(labels);
    }
    this.codes.delete(serverGroup);
    this.duration.remove({ cluster, server_group: serverGroup });
  }
}
