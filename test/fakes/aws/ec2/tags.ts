/** EC2 tags: `TagSpecification.N` on create calls, `tagSet` in responses, and Create/Delete/DescribeTags. */
import type { ActionTable } from '../context';
import { AwsError } from '../protocol/errors';
import type { QueryParams } from '../protocol/query';
import { items, type XmlList } from '../protocol/xml';
import type { TagMap } from '../model';
import type { RegionState } from '../store';
import { applyFilters, readFilters, type FilterFields } from './filters';
import { paginate } from '../protocol/pagination';

export interface TagSpecification {
  resourceType: string;
  tags: { Key: string; Value: string }[];
}

export function readTagList(params: QueryParams, name = 'Tag'): { Key: string; Value: string }[] {
  return params.list(name).map((tag) => ({ Key: tag.requiredString('Key'), Value: tag.string('Value') ?? '' }));
}

export function readTagSpecifications(params: QueryParams): TagSpecification[] {
  return params.list('TagSpecification').map((spec) => ({ resourceType: spec.requiredString('ResourceType'), tags: readTagList(spec) }));
}

/** The tags of the specifications for `resourceType`; other types are rejected as AWS does. */
export function tagsFor(specs: TagSpecification[], resourceType: string, allowed: string[] = [resourceType]): TagMap {
  const tags: TagMap = new Map();
  for (const spec of specs) {
    if (!allowed.includes(spec.resourceType)) {
      throw new AwsError('InvalidParameterValue', `'${spec.resourceType}' is not a valid taggable resource type for this operation.`);
    }
    if (spec.resourceType !== resourceType) continue;
    for (const tag of spec.tags) tags.set(tag.Key, tag.Value);
  }
  return tags;
}

export function tagSet(tags: TagMap): XmlList {
  return items([...tags].map(([key, value]) => ({ key, value })));
}

interface Taggable {
  resourceType: string;
  tags: TagMap;
}

/** The tags of any resource by id, or the resource type's NotFound error. */
function taggable(region: RegionState, id: string): Taggable {
  const notFound = (code: string, what: string): AwsError => new AwsError(code, `The ${what} '${id}' does not exist`);
  if (id.startsWith('ami-')) {
    const image = region.images.get(id);
    if (!image) throw notFound('InvalidAMIID.NotFound', 'image id');
    return { resourceType: 'image', tags: image.tags };
  }
  if (id.startsWith('i-')) {
    const instance = region.instances.get(id);
    if (!instance) throw notFound('InvalidInstanceID.NotFound', 'instance ID');
    return { resourceType: 'instance', tags: instance.tags };
  }
  if (id.startsWith('lt-')) {
    const template = region.launchTemplates.get(id);
    if (!template) throw new AwsError('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${id}, does not exist.`);
    return { resourceType: 'launch-template', tags: template.tags };
  }
  throw new AwsError('InvalidID', `The ID '${id}' is not valid (the fake tags images, instances and launch templates)`);
}

function allTagged(region: RegionState): { resourceId: string; resourceType: string; key: string; value: string }[] {
  const rows: { resourceId: string; resourceType: string; key: string; value: string }[] = [];
  const add = (resourceId: string, resourceType: string, tags: TagMap): void => {
    for (const [key, value] of tags) rows.push({ resourceId, resourceType, key, value });
  };
  for (const image of region.images.values()) add(image.imageId, 'image', image.tags);
  for (const instance of region.instances.values()) add(instance.instanceId, 'instance', instance.tags);
  for (const template of region.launchTemplates.values()) add(template.launchTemplateId, 'launch-template', template.tags);
  return rows;
}

type TagRow = ReturnType<typeof allTagged>[number];
const TAG_FILTERS: FilterFields<TagRow> = {
  'resource-id': (row) => row.resourceId,
  'resource-type': (row) => row.resourceType,
  key: (row) => row.key,
  value: (row) => row.value,
};

export const tagActions: ActionTable = {
  CreateTags: ({ params, region, store }) => {
    const resources = params.strings('ResourceId');
    if (resources.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter ResourceId');
    const tags = readTagList(params);
    const targets = resources.map((id) => taggable(region, id));
    for (const target of targets) for (const tag of tags) target.tags.set(tag.Key, tag.Value);
    store.changed();
    return undefined;
  },
  DeleteTags: ({ params, region, store }) => {
    const resources = params.strings('ResourceId');
    if (resources.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter ResourceId');
    const tags = params.list('Tag').map((tag) => ({ key: tag.requiredString('Key'), value: tag.string('Value') }));
    for (const target of resources.map((id) => taggable(region, id))) {
      // No Tag parameter deletes every tag; a Value deletes the tag only when it matches.
      if (tags.length === 0) target.tags.clear();
      for (const tag of tags) if (tag.value === undefined || target.tags.get(tag.key) === tag.value) target.tags.delete(tag.key);
    }
    store.changed();
    return undefined;
  },
  DescribeTags: ({ params, region }) => {
    const rows = applyFilters(allTagged(region), readFilters(params), TAG_FILTERS);
    const page = paginate(rows, params.integerBetween('MaxResults', 5, 1000) ?? 1000, params.string('NextToken'), () => new AwsError('InvalidPaginationToken', 'Invalid pagination token'));
    return { tagSet: items(page.items.map((row) => ({ ...row }))), nextToken: page.nextToken };
  },
};
