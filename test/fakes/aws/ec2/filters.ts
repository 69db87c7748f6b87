/**
 * EC2 `Filter.N.Name` / `Filter.N.Value.M`: a resource matches when every filter has a value
 * matching one of the resource's values for that name. Values may use `*` and `?` wildcards.
 * `tag:<key>`, `tag-key` and `tag-value` work on every taggable resource.
 */
import { AwsError } from '../protocol/errors';
import type { QueryParams } from '../protocol/query';
import type { TagMap } from '../model';

export interface Filter {
  name: string;
  values: string[];
}

/** For each supported filter name, the values a resource has for it. */
export type FilterFields<T> = Record<string, (resource: T) => string | string[] | undefined>;

export function readFilters(params: QueryParams): Filter[] {
  return params.list('Filter').map((filter) => ({ name: filter.requiredString('Name'), values: filter.strings('Value') }));
}

function wildcard(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

function valuesFor<T>(resource: T, name: string, fields: FilterFields<T>, tags: TagMap | undefined): string[] | undefined {
  if (tags && name.startsWith('tag:')) {
    const value = tags.get(name.slice(4));
    return value === undefined ? [] : [value];
  }
  if (tags && name === 'tag-key') return [...tags.keys()];
  if (tags && name === 'tag-value') return [...tags.values()];
  const field = fields[name];
  if (!field) return undefined;
  const value = field(resource);
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Throws InvalidParameterValue for a filter name this resource type does not support. */
export function applyFilters<T>(resources: T[], filters: Filter[], fields: FilterFields<T>, tagsOf?: (resource: T) => TagMap): T[] {
  for (const filter of filters) {
    const supported = filter.name in fields || (tagsOf !== undefined && (filter.name.startsWith('tag:') || filter.name === 'tag-key' || filter.name === 'tag-value'));
    if (!supported) throw new AwsError('InvalidParameterValue', `The filter '${filter.name}' is invalid`);
  }
  return resources.filter((resource) =>
    filters.every((filter) => {
      const actual = valuesFor(resource, filter.name, fields, tagsOf?.(resource)) ?? [];
      return filter.values.some((pattern) => {
        const regex = wildcard(pattern);
        return actual.some((value) => regex.test(value));
      });
    }),
  );
}
