/** The tags by which Gantry recognises and describes what it made in an AWS account. */
export const TAGS = {
  application: 'gantry:application',
  cluster: 'gantry:cluster',
  serverGroup: 'gantry:server-group',
  /** On the ASG: the AMI its launch template runs, so listing a cluster needs no template reads. */
  image: 'gantry:image',
  /**
   * On the ASG: the names of the cluster's target groups, comma-separated. A disabled group has
   * none attached; enable reads this to know what to attach. Names, not ARNs: a tag value holds
   * 256 characters, room for seven names but only two ARNs.
   */
  targetGroups: 'gantry:target-groups',
  /** On AMIs and bake builders: the hash of the bake's inputs (see bakeKey). */
  bakeKey: 'gantry:bake-key',
  package: 'gantry:package',
  version: 'gantry:version',
  baseImage: 'gantry:base-image',
} as const;

/** Prefixes no user tag may use: AWS reserves `aws:`, Gantry's own tags say what a resource is. */
export const RESERVED_TAG_PREFIXES = ['aws:', 'gantry:'] as const;

export interface AwsTag {
  Key?: string | undefined;
  Value?: string | undefined;
}

export function tagValue(tags: readonly AwsTag[] | undefined, key: string): string | undefined {
  return tags?.find((tag) => tag.Key === key)?.Value;
}

export function toTagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** `a,b` ⇄ `['a', 'b']` for the target-groups tag. */
export function joinNames(names: readonly string[]): string {
  return names.join(',');
}

export function splitNames(value: string | undefined): string[] {
  return (value ?? '').split(',').filter((name) => name !== '');
}
