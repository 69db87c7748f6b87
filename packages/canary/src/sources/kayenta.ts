import { z } from 'zod';
import type { KayentaCanaryConfig, KayentaMetricConfig } from '../kayenta/config';
import { datadogSeriesValues, kayentaDatadogQuery } from '../kayenta/datadogQuery';
import { kayentaNewRelicQuery, newRelicSeriesValues, type NewRelicScopeKeys } from '../kayenta/newRelicQuery';
import { KAYENTA_PROMETHEUS_SCOPE_LABEL, kayentaPrometheusQuery } from '../kayenta/prometheusQuery';
import type { KayentaQueryResult, KayentaScope } from '../kayenta/templates';
import { MetricSourceError } from './MetricSource';
import { getJson, type HttpDeps } from './http';

/**
 * A Kayenta metrics account with its secrets read (Kayenta's `kayenta.<source>.accounts[]`): the
 * source's base URL and what it authenticates with.
 */
export type KayentaMetricsAccount =
  | { name: string; type: 'prometheus'; address: string; scopeLabel?: string }
  | { name: string; type: 'datadog'; address: string; apiKey: string; applicationKey: string }
  | ({ name: string; type: 'newrelic'; address: string; apiKey: string; accountId: string } & NewRelicScopeKeys);

export interface KayentaFetch {
  config: Pick<KayentaCanaryConfig, 'templates'>;
  metric: Pick<KayentaMetricConfig, 'name' | 'query'>;
  scope: KayentaScope;
  startMs: number;
  endMs: number;
  stepSec: number;
}

/** The values of one metric for one scope and the query that read them (shown in the stage's report). */
export interface KayentaSeries {
  query: string;
  values: number[];
}

const TIMEOUT_MS = 30_000;

const prometheusMatrix = z.object({
  status: z.literal('success'),
  data: z.object({ resultType: z.literal('matrix'), result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(z.tuple([z.number(), z.string()])) })) }),
});
const prometheusError = z.object({ errorType: z.string().optional(), error: z.string() });
const datadogAnswer = z.object({
  series: z.array(z.object({ scope: z.string().optional(), start: z.number(), end: z.number(), interval: z.number(), pointlist: z.array(z.tuple([z.number(), z.number().nullable()])) })),
});
const datadogError = z.object({ errors: z.array(z.string()).min(1) });
const newRelicAnswer = z.object({
  timeSeries: z.array(z.object({ inspectedCount: z.number().nullable().optional(), results: z.array(z.record(z.string(), z.unknown())) })),
});
const newRelicError = z.object({ error: z.string() });

function queryOf(result: KayentaQueryResult, source: string): string {
  if (!result.ok) throw new MetricSourceError(`${source}: ${result.message}`, true);
  return result.query;
}

/**
 * Reads one metric for one scope from the account's source, building the query exactly as
 * Kayenta's metrics service for that source does (`metric.query.type` must match the account's).
 * Every failure is a MetricSourceError naming the account, the URL and the reason.
 */
export async function fetchKayentaSeries(account: KayentaMetricsAccount, request: KayentaFetch, deps: HttpDeps): Promise<KayentaSeries> {
  const source = `${account.type} account ${account.name}`;
  const type = (request.metric.query as { type?: unknown }).type;
  if (type !== account.type) throw new MetricSourceError(`metric ${request.metric.name} is a ${String(type)} query, but metrics account ${account.name} is ${account.type}`, true);
  const base = account.address.replace(/\/+$/, '');
  switch (account.type) {
    case 'prometheus': {
      const query = queryOf(kayentaPrometheusQuery(request.config, request.metric, request.scope, account.scopeLabel ?? KAYENTA_PROMETHEUS_SCOPE_LABEL), source);
      const url = new URL(`${base}/api/v1/query_range`);
      url.searchParams.set('query', query);
      url.searchParams.set('start', String(request.startMs / 1000));
      url.searchParams.set('end', String(request.endMs / 1000));
      url.searchParams.set('step', `${request.stepSec}s`);
      const answer = await getJson(deps, source, url, {
        timeoutMs: TIMEOUT_MS,
        explain: (body) => {
          const parsed = prometheusError.safeParse(body);
          return parsed.success ? `${parsed.data.errorType ?? 'error'}: ${parsed.data.error}` : undefined;
        },
        answer: prometheusMatrix,
        expected: 'a success matrix',
      });
      const series = answer.data.result;
      if (series.length > 1) throw new MetricSourceError(`${source}: the query of metric ${request.metric.name} for ${request.scope.scope} returned ${series.length} series; aggregate it to one`, true);
      return { query, values: (series[0]?.values ?? []).map(([, value]) => Number(value)) };
    }
    case 'datadog': {
      const query = queryOf(kayentaDatadogQuery(request.config, request.metric, request.scope), source);
      const url = new URL(`${base}/api/v1/query`);
      url.searchParams.set('from', String(Math.trunc(request.startMs / 1000)));
      url.searchParams.set('to', String(Math.trunc(request.endMs / 1000)));
      url.searchParams.set('query', query);
      const answer = await getJson(deps, source, url, {
        headers: { 'DD-API-KEY': account.apiKey, 'DD-APPLICATION-KEY': account.applicationKey },
        timeoutMs: TIMEOUT_MS,
        explain: (body) => {
          const parsed = datadogError.safeParse(body);
          return parsed.success ? parsed.data.errors.join('; ') : undefined;
        },
        answer: datadogAnswer,
        expected: 'a series list',
      });
      const values = datadogSeriesValues(answer);
      if (!values.ok) throw new MetricSourceError(`${source}: metric ${request.metric.name} for ${request.scope.scope}: ${values.message}`, true);
      return { query, values: values.values };
    }
    case 'newrelic': {
      const query = queryOf(kayentaNewRelicQuery(request.config, request.metric, { ...request.scope, startMs: request.startMs, endMs: request.endMs, stepSec: request.stepSec }, account), source);
      const url = new URL(`${base}/v1/accounts/${encodeURIComponent(account.accountId)}/query`);
      url.searchParams.set('nrql', query);
      const answer = await getJson(deps, source, url, {
        headers: { 'X-Query-Key': account.apiKey },
        timeoutMs: TIMEOUT_MS,
        explain: (body) => {
          const parsed = newRelicError.safeParse(body);
          return parsed.success ? parsed.data.error : undefined;
        },
        answer: newRelicAnswer,
        expected: 'a TIMESERIES answer',
      });
      return { query, values: newRelicSeriesValues(answer) };
    }
  }
}
