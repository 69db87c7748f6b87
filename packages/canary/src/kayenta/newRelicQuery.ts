import type { KayentaCanaryConfig, KayentaMetricConfig } from './config';
import { expandCustomFilter, stringOf, type KayentaQueryResult, type KayentaScope } from './templates';

/** Where a New Relic account finds the scope and location (Kayenta's NewRelicScopeConfiguration). */
export interface NewRelicScopeKeys {
  defaultScopeKey?: string;
  defaultLocationKey?: string;
}

/** Kayenta's New Relic scope: its extended params may name the keys instead of the account. */
const SCOPE_KEY = '_scope_key';
const LOCATION_KEY = '_location_key';

/**
 * The NRQL Kayenta's NewRelicQueryBuilderService sends for one metric, one scope and one window.
 * A custom filter template (bound: `scope`, `location`, `step`, the extended params,
 * `startEpochSeconds`, `endEpochSeconds`) is the whole query. Otherwise `select` (prefixed with
 * `SELECT` unless it starts so), `TIMESERIES <step> seconds` (`MAX` for step 0), `SINCE`/`UNTIL`
 * in epoch seconds, and `WHERE` the metric's `q`, each extended param not starting with `_` as
 * `key LIKE 'value'`, the scope key `LIKE 'scope'` and, when one is set, the location key
 * `LIKE 'location'`. The scope key comes from `_scope_key` or the account's default.
 */
export function kayentaNewRelicQuery(
  config: Pick<KayentaCanaryConfig, 'templates'>,
  metric: Pick<KayentaMetricConfig, 'name' | 'query'>,
  scope: KayentaScope & { startMs: number; endMs: number; stepSec: number },
  keys: NewRelicScopeKeys = {},
): KayentaQueryResult {
  const query = metric.query as Record<string, unknown>;
  const fail = (message: string): KayentaQueryResult => ({ ok: false, message: `metric ${metric.name}: ${message}` });
  const startSec = Math.trunc(scope.startMs / 1000);
  const endSec = Math.trunc(scope.endMs / 1000);
  const params = scope.extendedScopeParams ?? {};
  const expanded = expandCustomFilter(
    config,
    query,
    { ...scope, extendedScopeParams: { ...params, startEpochSeconds: String(startSec), endEpochSeconds: String(endSec) } },
    { scope: scope.scope, location: scope.location, step: String(scope.stepSec) },
  );
  if (!expanded.ok) return fail(expanded.message);
  if (expanded.query !== undefined) return { ok: true, query: expanded.query };
  const select = stringOf(query.select);
  if (select === undefined) return fail('query.select is required unless a custom filter template gives the whole NRQL');
  const scopeKey = params[SCOPE_KEY] ?? keys.defaultScopeKey;
  if (scopeKey === undefined) return fail(`the New Relic account must define a default scope key or the scope must give it in extendedScopeParams.${SCOPE_KEY}`);
  const locationKey = params[LOCATION_KEY] ?? keys.defaultLocationKey;
  let nrql = select.startsWith('SELECT') ? select : `SELECT ${select.trim()}`;
  nrql += ` TIMESERIES ${scope.stepSec === 0 ? 'MAX' : `${scope.stepSec} seconds`} SINCE ${startSec} UNTIL ${endSec} WHERE `;
  const q = stringOf(query.q);
  if (q !== undefined) nrql += `${q} AND `;
  for (const [key, value] of Object.entries(params)) if (!key.startsWith('_')) nrql += `${key} LIKE '${value}' AND `;
  nrql += `${scopeKey} LIKE '${scope.scope}'`;
  if (locationKey !== undefined) nrql += ` AND ${locationKey} LIKE '${scope.location ?? ''}'`;
  return { ok: true, query: nrql };
}

/** The part of the Insights query API's answer Kayenta reads. */
export interface NewRelicTimeSeries {
  timeSeries: { inspectedCount?: number | null; results: Record<string, unknown>[] }[];
}

/**
 * The values as Kayenta's NewRelicTimeSeries reads them: per bucket, the first value of its first
 * result (or, when that is an object such as `percentile`'s, its first value); NaN for a bucket
 * that inspected no events or holds no number.
 */
export function newRelicSeriesValues(answer: NewRelicTimeSeries): number[] {
  return answer.timeSeries.map((bucket) => {
    const first = bucket.results[0] === undefined ? undefined : Object.values(bucket.results[0])[0];
    const value = first !== null && typeof first === 'object' ? Object.values(first as Record<string, unknown>)[0] : first;
    if (!bucket.inspectedCount || typeof value !== 'number') return Number.NaN;
    return value;
  });
}
