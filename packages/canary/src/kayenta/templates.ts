import type { KayentaCanaryConfig } from './config';

/** One side of a scope as Orca sends it to Kayenta (a CanaryScope). */
export interface KayentaScope {
  scope: string;
  location?: string;
  extendedScopeParams?: Readonly<Record<string, string>>;
}

export type KayentaQueryResult = { ok: true; query: string } | { ok: false; message: string };

export const stringOf = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
export const stringsOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/**
 * The `${name}` interpolation Kayenta applies to custom filter templates (Apache Commons'
 * StringSubstitutor with undefined variables refused). An undefined name fails, naming it;
 * FreeMarker directives (`<#if>`, `[#list]`) are refused rather than sent to the source as text.
 */
export function expandTemplate(template: string, bindings: Readonly<Record<string, string>>): KayentaQueryResult {
  if (/<#|\[#|<@/.test(template)) return { ok: false, message: 'FreeMarker directives are not supported in templates; only ${name} interpolation is' };
  // Kayenta stores templates with "${" escaped as "$\{" and unescapes them before expanding.
  const text = template.replaceAll('$\\{', '${');
  let missing: string | undefined;
  const query = text.replace(/\$\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}/g, (_, name: string) => {
    const value = bindings[name];
    if (value === undefined) missing ??= name;
    return value ?? '';
  });
  if (missing !== undefined) return { ok: false, message: `the template refers to \${${missing}}, which the scope does not define (known: ${Object.keys(bindings).join(', ')})` };
  return { ok: true, query };
}

/**
 * Kayenta's QueryConfigUtils.expandCustomFilter: the metric's `customInlineTemplate`, else the
 * config's `templates[customFilterTemplate]`, expanded with `base` (the scope attributes each
 * source binds: scope, location, …) overlaid by the scope's extended params. Undefined `query`
 * when the metric names no template (the source then builds its default query).
 */
export function expandCustomFilter(
  config: Pick<KayentaCanaryConfig, 'templates'>,
  metricQuery: Readonly<Record<string, unknown>>,
  scope: KayentaScope,
  base: Readonly<Record<string, string | undefined>>,
): { ok: true; query: string | undefined } | { ok: false; message: string } {
  if (metricQuery.customFilter !== undefined) return { ok: false, message: 'query.customFilter is deprecated in Kayenta, use query.customInlineTemplate instead' };
  const inline = stringOf(metricQuery.customInlineTemplate);
  const templateName = stringOf(metricQuery.customFilterTemplate);
  if (inline === undefined && templateName === undefined) return { ok: true, query: undefined };
  let template = inline;
  if (template === undefined && templateName !== undefined) {
    template = config.templates?.[templateName];
    if (template === undefined) return { ok: false, message: `custom filter template '${templateName}' was not found in the canary config's templates` };
  }
  const bindings: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) if (value !== undefined && value !== '') bindings[name] = value;
  Object.assign(bindings, scope.extendedScopeParams ?? {});
  const expanded = expandTemplate(template ?? '', bindings);
  return expanded.ok ? { ok: true, query: expanded.query } : expanded;
}
