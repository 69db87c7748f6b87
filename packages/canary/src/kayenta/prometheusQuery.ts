import type { KayentaCanaryConfig, KayentaMetricConfig } from './config';

/** One side of a scope as Orca sends it to Kayenta (a CanaryScope). */
export interface KayentaScope {
  scope: string;
  location?: string;
  extendedScopeParams?: Readonly<Record<string, string>>;
}

/** Kayenta's Prometheus account setting `scopeLabel`: the label an instance's name is in. */
export const KAYENTA_PROMETHEUS_SCOPE_LABEL = 'instance';

export type KayentaQueryResult = { ok: true; query: string } | { ok: false; message: string };

const stringOf = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const stringsOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/**
 * FreeMarker's `${name}` interpolation, the only part of FreeMarker Kayenta's shipped templates
 * use. FreeMarker fails on an undefined variable; so does this, naming it. Directives (`<#if>`,
 * `[#list]`) are refused rather than passed to Prometheus as text.
 */
function expandTemplate(template: string, bindings: Readonly<Record<string, string>>): KayentaQueryResult {
  if (/<#|\[#|<@/.test(template)) return { ok: false, message: 'FreeMarker directives are not supported in templates; only ${name} interpolation is' };
  // Kayenta stores templates with "${" escaped as "$\{" and unescapes them before expanding.
  const text = template.replaceAll('$\\{', '${');
  let missing: string | undefined;
  const query = text.replace(/\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/g, (_, name: string) => {
    const value = bindings[name];
    if (value === undefined) missing ??= name;
    return value ?? '';
  });
  if (missing !== undefined) return { ok: false, message: `the template refers to \${${missing}}, which the scope does not define (known: ${Object.keys(bindings).join(', ')})` };
  return { ok: true, query };
}

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
  if (query.customFilter !== undefined) return fail('query.customFilter is deprecated in Kayenta, use query.customInlineTemplate instead');
  const params = scope.extendedScopeParams ?? {};
  const resourceType = stringOf(query.resourceType) ?? stringOf(params.resourceType);
  const inline = stringOf(query.customInlineTemplate);
  const templateName = stringOf(query.customFilterTemplate);
  let customFilter: string | undefined;
  if (inline !== undefined || templateName !== undefined) {
    let template = inline;
    if (template === undefined && templateName !== undefined) {
      template = config.templates?.[templateName];
      if (template === undefined) return fail(`custom filter template '${templateName}' was not found in the canary config's templates`);
    }
    const bindings: Record<string, string> = {};
    const project = stringOf(params.project);
    if (project !== undefined) bindings.project = project;
    if (resourceType !== undefined) bindings.resourceType = resourceType;
    if (scope.scope !== '') bindings.scope = scope.scope;
    if (scope.location !== undefined && scope.location !== '') bindings.location = scope.location;
    Object.assign(bindings, params);
    const expanded = expandTemplate(template ?? '', bindings);
    if (!expanded.ok) return fail(expanded.message);
    customFilter = expanded.query;
    if (customFilter.startsWith('PromQL:')) return { ok: true, query: customFilter.slice('PromQL:'.length) };
  }
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
