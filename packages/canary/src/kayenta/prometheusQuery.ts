import type { KayentaCanaryConfig, KayentaMetricConfig } from './config';
import { expandCustomFilter, stringOf, stringsOf, type KayentaQueryResult, type KayentaScope } from './templates';

/** Kayenta's Prometheus account setting `scopeLabel`: the label an instance's name is in. */
export const KAYENTA_PROMETHEUS_SCOPE_LABEL = 'instance';

/**
 * The PromQL Kayenta's PrometheusMetricsService sends for one metric and one scope. A
 * `customInlineTemplate` (or the config's `templates[customFilterTemplate]`) is expanded with the
 * scope's `project`, `resourceType`, `scope`, `location` and its extended params (these win); if
 * the result starts with `PromQL:` it is the whole query. Otherwise the query is
 * `avg(metricName{filters}) by (groupByFields)`, the filters being the expanded template's
 * comma-separated tokens then `labelBindings`, or for `resourceType` `gce_instance` /
 * `aws_ec2_instance` the `labelBindings` then Kayenta's instance and zone regexes.
 */
export function kayentaPrometheusQuery(
  config: Pick<KayentaCanaryConfig, 'templates'>,
  metric: Pick<KayentaMetricConfig, 'name' | 'query'>,
  scope: KayentaScope,
  scopeLabel: string = KAYENTA_PROMETHEUS_SCOPE_LABEL,
): KayentaQueryResult {
  const query = metric.query as Record<string, unknown>;
  const fail = (message: string): KayentaQueryResult => ({ ok: false, message: `metric ${metric.name}: ${message}` });
  const params = scope.extendedScopeParams ?? {};
  const resourceType = stringOf(query.resourceType) ?? stringOf(params.resourceType);
  const expanded = expandCustomFilter(config, query, scope, {
    project: stringOf(params.project),
    resourceType,
    scope: scope.scope,
    location: scope.location,
  });
  if (!expanded.ok) return fail(expanded.message);
  const customFilter = expanded.query;
  if (customFilter?.startsWith('PromQL:') === true) return { ok: true, query: customFilter.slice('PromQL:'.length) };
  const metricName = stringOf(query.metricName);
  if (metricName === undefined) return fail('query.metricName is required unless a template yields a whole "PromQL:" query');
  // Kayenta's order: a custom filter's tokens before the label bindings, the resource type's after them.
  const labelBindings = stringsOf(query.labelBindings);
  const filters: string[] = [];
  if (customFilter !== undefined && customFilter !== '') {
    filters.push(...customFilter.split(','), ...labelBindings);
  } else if (resourceType === 'gce_instance' || resourceType === 'aws_ec2_instance') {
    if (scope.location === undefined || scope.location === '') return fail(`a location (region) is required when resourceType is '${resourceType}'`);
    filters.push(...labelBindings);
    if (resourceType === 'gce_instance') {
      if (scope.scope !== '') filters.push(`${scopeLabel}=~"${scope.scope}-.{4}"`);
      const project = stringOf(params.project);
      filters.push(`zone=~".+/${project === undefined ? '' : `projects/${project}/`}zones/${scope.location}-.{1}"`);
    } else {
      if (scope.scope !== '') filters.push(`asg_groupName="${scope.scope}"`);
      filters.push(`zone=~"${scope.location}.{1}"`);
    }
  } else if (resourceType !== undefined) {
    return fail(`there is no explicit support for resourceType '${resourceType}'; use label bindings and a custom filter template`);
  } else {
    return fail('either query.resourceType (or the scope param resourceType) or a custom filter template is required');
  }
  const selector = filters.length === 0 ? '' : `{${filters.join(',')}}`;
  const groupBy = stringsOf(query.groupByFields);
  return { ok: true, query: `avg(${metricName}${selector})${groupBy.length === 0 ? '' : ` by (${groupBy.join(',')})`}` };
}
