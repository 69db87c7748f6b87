import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson, startTestServer, type RecordedRequest, type TestServer } from '../../../../test/support/testServer';
import type { CanaryMetricConfig } from '../config';
import { createMetricSource, metricSourceSchema, type MetricQuery } from './index';

const latency: CanaryMetricConfig = {
  name: 'latency',
  direction: 'increase',
  query: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{server_group="${scope}", role="${role}"}[1m])))',
};
const start = new Date('2026-11-25T10:00:00.000Z');
const end = new Date('2026-11-25T10:05:00.000Z');
const query = (overrides: Partial<MetricQuery> = {}): MetricQuery => ({ metric: latency, scope: 'checkout-prod-v002', role: 'canary', start, end, stepSec: 60, ...overrides });

/** A local HTTP server answering like the real API (it records every request it saw). */
function startServer(answer: (url: URL) => { status: number; body: unknown }) {
  return startTestServer((request, response) => {
    const { status, body } = answer(urlOf(request));
    sendJson(response, status, body);
  });
}

const urlOf = (request: RecordedRequest) => new URL(request.path, 'http://localhost');
const lastUrl = (server: TestServer) => urlOf(server.requests.at(-1)!);

/** query_range semantics for the series it knows: one point per step from start to end, inclusive. */
function prometheusAnswer(url: URL): { status: number; body: unknown } {
  if (url.pathname !== '/prom/api/v1/query_range') return { status: 404, body: { status: 'error', errorType: 'not_found', error: 'no such path' } };
  const promql = url.searchParams.get('query') ?? '';
  if (promql.includes('syntax error')) return { status: 400, body: { status: 'error', errorType: 'bad_data', error: '1:8: parse error: unexpected identifier "error"' } };
  const from = Number(url.searchParams.get('start'));
  const to = Number(url.searchParams.get('end'));
  const step = Number(url.searchParams.get('step'));
  const values: [number, string][] = [];
  for (let t = from, i = 0; t <= to; t += step, i++) values.push([t, i === 2 ? 'NaN' : String(0.1 + i / 100)]);
  const series = promql.includes('by (instance)') ? 2 : promql.includes('absent_series') ? 0 : 1;
  const result = Array.from({ length: series }, (_, i) => ({ metric: { instance: `i-${i}` }, values }));
  return { status: 200, body: { status: 'success', data: { resultType: 'matrix', result } } };
}

describe('prometheus source', () => {
  let prometheus: TestServer;
  beforeAll(async () => {
    prometheus = await startServer(prometheusAnswer);
  });
  afterAll(() => prometheus.close());
  const source = () => createMetricSource(metricSourceSchema.parse({ type: 'prometheus', url: `${prometheus.origin}/prom/`, headers: { authorization: 'Bearer t0ken' } }), { fetch });

  it('asks query_range for the templated PromQL over the interval and reads the one series', async () => {
    const values = await source().fetch(query());
    expect(values.slice(0, 2)).toEqual([0.1, 0.11]);
    expect(values[2]).toBeNaN();
    expect(values).toHaveLength(6);
    const request = prometheus.requests.at(-1)!;
    expect(Object.fromEntries(urlOf(request).searchParams)).toEqual({
      query: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{server_group="checkout-prod-v002", role="canary"}[1m])))',
      start: String(start.getTime() / 1000),
      end: String(end.getTime() / 1000),
      step: '60',
    });
    expect(request.headers.authorization).toBe('Bearer t0ken');
  });

  it('answers no data for no series, and refuses several series with advice', async () => {
    expect(await source().fetch(query({ metric: { ...latency, query: 'absent_series{x="${scope}"}' } }))).toEqual([]);
    await expect(source().fetch(query({ metric: { ...latency, query: 'sum by (instance) (up{g="${scope}"})' } }))).rejects.toThrow(
      'prometheus: the query of metric latency for checkout-prod-v002 returned 2 series; aggregate it to one (e.g. sum(...) or histogram_quantile(...))',
    );
  });

  it("passes Prometheus' own error message on, with the URL", async () => {
    await expect(source().fetch(query({ metric: { ...latency, query: 'syntax error' } }))).rejects.toThrow(
      `prometheus ${prometheus.origin}/prom/api/v1/query_range: HTTP 400: bad_data: 1:8: parse error: unexpected identifier "error"`,
    );
  });

  it('says when it cannot connect, and when the metric has no query', async () => {
    const closed = await startServer(prometheusAnswer);
    await closed.close();
    const unreachable = createMetricSource({ type: 'prometheus', url: closed.origin }, { fetch });
    await expect(unreachable.fetch(query())).rejects.toThrow(`prometheus ${closed.origin}/api/v1/query_range: cannot connect: ECONNREFUSED`);
    await expect(source().fetch(query({ metric: { name: 'x', direction: 'either' } }))).rejects.toThrow('prometheus: metric x has no query (a PromQL template)');
  });
});

describe('localProxy source', () => {
  let proxy: TestServer;
  beforeAll(async () => {
    proxy = await startServer((url) =>
      url.searchParams.get('serverGroup') === 'missing'
        ? { status: 404, body: { error: { code: 'NOT_FOUND', message: 'no server group missing' } } }
        : { status: 200, body: { values: [0.01, null, 0.02, null, 0] } },
    );
  });
  afterAll(() => proxy.close());

  it('asks the samples URL for the metric in epoch milliseconds and drops empty steps', async () => {
    const source = createMetricSource({ type: 'localProxy' }, { fetch, localProxyUrl: `${proxy.origin}/samples` });
    const values = await source.fetch(query({ metric: { name: 'errors', direction: 'increase', query: 'errorRate' }, stepSec: 10 }));
    expect(values).toEqual([0.01, 0.02, 0]);
    expect(lastUrl(proxy).pathname).toBe('/samples');
    expect(Object.fromEntries(lastUrl(proxy).searchParams)).toEqual({
      serverGroup: 'checkout-prod-v002',
      metric: 'errorRate',
      start: String(start.getTime()),
      end: String(end.getTime()),
      stepMs: '10000',
    });
  });

  it('uses the metric name when there is no query, and refuses a metric the proxy does not record', async () => {
    const source = createMetricSource({ type: 'localProxy', url: `${proxy.origin}/samples` }, { fetch });
    await source.fetch(query({ metric: { name: 'latencyP99', direction: 'increase' } }));
    expect(lastUrl(proxy).searchParams.get('metric')).toBe('latencyP99');
    await expect(source.fetch(query({ metric: { name: 'cpu', direction: 'increase' } }))).rejects.toThrow(
      'localProxy: unknown metric "cpu" for cpu; the proxy records errorRate, latencyMean, latencyP50, latencyP95, latencyP99, requestRate',
    );
  });

  it("passes the proxy's error message on, and needs a URL from somewhere", async () => {
    const source = createMetricSource({ type: 'localProxy', url: `${proxy.origin}/samples` }, { fetch });
    await expect(source.fetch(query({ scope: 'missing', metric: { name: 'requestRate', direction: 'decrease' } }))).rejects.toThrow(
      `localProxy ${proxy.origin}/samples: HTTP 404: no server group missing`,
    );
    expect(() => createMetricSource({ type: 'localProxy' }, { fetch })).toThrow(/no url in the source config/);
  });
});

describe('static source', () => {
  const source = createMetricSource(
    metricSourceSchema.parse({ type: 'static', series: { latency: { baseline: [1, 2], canary: [3, 4], 'checkout-prod-v002': [9] } } }),
    { fetch },
  );

  it('serves the series of the scope first, else of the role, else nothing', async () => {
    expect(await source.fetch(query())).toEqual([9]);
    expect(await source.fetch(query({ scope: 'checkout-prod-v001', role: 'baseline' }))).toEqual([1, 2]);
    expect(await source.fetch(query({ scope: 'other', metric: { name: 'errors', direction: 'increase' } }))).toEqual([]);
  });

  it('is one of the three source types the schema accepts', () => {
    const parsed = metricSourceSchema.safeParse({ type: 'datadog' });
    expect(parsed.success).toBe(false);
    expect(metricSourceSchema.safeParse({ type: 'prometheus', url: 'not a url' }).error!.issues[0]!.path).toEqual(['url']);
  });
});
