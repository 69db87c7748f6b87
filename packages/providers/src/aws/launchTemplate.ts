import type { Tag as AsgTag } from '@aws-sdk/client-auto-scaling';
import type { RequestLaunchTemplateData } from '@aws-sdk/client-ec2';
import { TAGS, joinNames } from './tags';

/** Pure building of what createServerGroup sends: launch template data and the group's tags. */

export interface LaunchTemplateInput {
  image: string;
  instanceType: string;
  /** Plain text; encoded here. */
  userData?: string;
  securityGroupIds: readonly string[];
  keyPair?: string;
  /** A name or an ARN. */
  iamInstanceProfile?: string;
}

export function encodeUserData(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** An instance profile given by ARN or by name, as EC2's launch calls take it. */
export function instanceProfileSpec(profile: string): { Arn: string } | { Name: string } {
  return profile.startsWith('arn:') ? { Arn: profile } : { Name: profile };
}

export function buildLaunchTemplateData(input: LaunchTemplateInput): RequestLaunchTemplateData {
  const profile = input.iamInstanceProfile;
  return {
    ImageId: input.image,
    InstanceType: input.instanceType as RequestLaunchTemplateData['InstanceType'],
    ...(input.userData === undefined ? {} : { UserData: encodeUserData(input.userData) }),
    ...(input.securityGroupIds.length === 0 ? {} : { SecurityGroupIds: [...input.securityGroupIds] }),
    ...(input.keyPair === undefined ? {} : { KeyName: input.keyPair }),
    ...(profile === undefined ? {} : { IamInstanceProfile: instanceProfileSpec(profile) }),
  };
}

export interface IdentityInput {
  application: string;
  cluster: string;
  serverGroup: string;
}

/** The tags that say a resource is a Gantry server group, plus the user's own. */
export function identityTags(identity: IdentityInput, userTags: Record<string, string>): Record<string, string> {
  return { ...userTags, [TAGS.application]: identity.application, [TAGS.cluster]: identity.cluster, [TAGS.serverGroup]: identity.serverGroup };
}

/**
 * The ASG's tags. Identity and user tags propagate to the instances (so the console and cost
 * reports group them); the image and the cluster's target groups are bookkeeping of the group.
 */
export function buildAsgTags(name: string, identity: Record<string, string>, image: string, targetGroupNames: readonly string[]): AsgTag[] {
  const tag = (Key: string, Value: string, PropagateAtLaunch: boolean): AsgTag => ({ ResourceId: name, ResourceType: 'auto-scaling-group', Key, Value, PropagateAtLaunch });
  return [
    ...Object.entries(identity).map(([key, value]) => tag(key, value, true)),
    tag(TAGS.image, image, false),
    ...(targetGroupNames.length === 0 ? [] : [tag(TAGS.targetGroups, joinNames(targetGroupNames), false)]),
  ];
}
