/** Auto Scaling group tags: CreateOrUpdateTags, DeleteTags, DescribeTags. */
import type { ActionTable } from '../context';
import type { AsgTag, AutoScalingGroup } from '../model';
import { AwsError, validationError } from '../protocol/errors';
import { paginate } from '../protocol/pagination';
import type { QueryParams } from '../protocol/query';
import { members } from '../protocol/xml';
import type { RegionState } from '../store';
import { findGroup } from './groups';
import { tagXml } from './views';

function findTagGroup(region: RegionState, tag: QueryParams): AutoScalingGroup {
  const type = tag.string('ResourceType') ?? 'auto-scaling-group';
  if (type !== 'auto-scaling-group') throw validationError(`Invalid resource type: ${type}`);
  return findGroup(region, tag.requiredString('ResourceId'));
}

export const tagActions: ActionTable = {
  CreateOrUpdateTags: ({ params, region, store }) => {
    const tags = params.list('Tags');
    if (tags.length === 0) throw validationError("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
    for (const tag of tags) {
      const group = findTagGroup(region, tag);
      const entry: AsgTag = { key: tag.requiredString('Key'), value: tag.string('Value') ?? '', propagateAtLaunch: tag.boolean('PropagateAtLaunch') ?? false };
      group.tags = [...group.tags.filter((t) => t.key !== entry.key), entry];
    }
    store.changed();
    return undefined;
  },

  DeleteTags: ({ params, region, store }) => {
    for (const tag of params.list('Tags')) {
      const group = findTagGroup(region, tag);
      const key = tag.requiredString('Key');
      group.tags = group.tags.filter((t) => t.key !== key);
    }
    store.changed();
    return undefined;
  },

  DescribeTags: ({ params, region }) => {
    const filters = params.list('Filters').map((filter) => ({ name: filter.requiredString('Name'), values: filter.strings('Values') }));
    const fields: Record<string, (group: AutoScalingGroup, tag: AsgTag) => string> = {
      'auto-scaling-group': (group) => group.name,
      key: (_group, tag) => tag.key,
      value: (_group, tag) => tag.value,
      'propagate-at-launch': (_group, tag) => String(tag.propagateAtLaunch),
    };
    for (const filter of filters) if (!fields[filter.name]) throw validationError(`Filter type ${filter.name} is not correct. Allowed Filter types are: auto-scaling-group key value propagate-at-launch`);
    const rows = [...region.autoScalingGroups.values()]
      .flatMap((group) => group.tags.map((tag) => ({ group, tag })))
      .filter(({ group, tag }) => filters.every((filter) => filter.values.includes(fields[filter.name]?.(group, tag) ?? '')));
    const page = paginate(rows, params.integerBetween('MaxRecords', 1, 100) ?? 50, params.string('NextToken'), () => new AwsError('InvalidNextToken', 'The token is invalid.'));
    return { Tags: members(page.items.map(({ group, tag }) => tagXml(group, tag))), NextToken: page.nextToken };
  },
};
