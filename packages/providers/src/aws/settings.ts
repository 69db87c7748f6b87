import { z } from 'zod';
import { installTimeoutSchema } from '../bakeScript';
import { RESERVED_TAG_PREFIXES } from './tags';

/**
 * `ServerGroupSpec.settings` and `BakeRequest.settings` for AWS, with Spinnaker's names where it
 * has the concept. Strict, so a misspelt key fails the deploy with its name instead of being
 * silently ignored.
 */

const instanceType = z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, 'an instance type such as t3.small');
const subnetId = z.string().regex(/^subnet-[0-9a-f]+$/, 'a subnet id (subnet-…)');
const securityGroupId = z.string().regex(/^sg-[0-9a-f]+$/, 'a security group id (sg-…)');
/** A target group name (1–32 characters) or its ARN. */
const targetGroup = z
  .string()
  .regex(/^([a-zA-Z0-9]([a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?|arn:aws[a-z-]*:elasticloadbalancing:[^\s]+:targetgroup\/[^\s]+)$/, 'a target group name or ARN');
const tagKey = z
  .string()
  .min(1)
  .max(128)
  .refine((key) => !RESERVED_TAG_PREFIXES.some((prefix) => key.toLowerCase().startsWith(prefix)), `must not start with ${RESERVED_TAG_PREFIXES.join(' or ')}`);
/** An instance profile name or ARN. */
const iamInstanceProfile = z.string().min(1).max(2048);
// EC2 takes user data up to 16 KB once base64-encoded.
const MAX_USER_DATA_BYTES = 12_288;

export const awsServerGroupSettingsSchema = z
  .strictObject({
    /** Default: the account's defaultInstanceType, else t3.small. */
    instanceType: instanceType.optional(),
    /** Plain text (a script or cloud-init); Gantry base64-encodes it. */
    userData: z.string().refine((text) => Buffer.byteLength(text) <= MAX_USER_DATA_BYTES, `at most ${MAX_USER_DATA_BYTES} bytes`).optional(),
    /** Security group ids (sg-…) or names (looked up in the region); default: the region's securityGroupIds. */
    securityGroups: z.array(z.string().min(1)).min(1).optional(),
    /** The subnets the group spans; default: the region's subnetIds. */
    subnetIds: z.array(subnetId).min(1).optional(),
    /** Spinnaker's subnet purpose: the subnets tagged `immutable_metadata` = `{"purpose": "<subnetType>"}`. */
    subnetType: z.string().min(1).optional(),
    /** The cluster's target groups (names or ARNs): attached when the group is enabled. */
    targetGroups: z.array(targetGroup).max(7).optional(),
    healthCheckType: z.enum(['EC2', 'ELB']).optional(),
    /** Seconds after launch before health checks count. */
    healthCheckGracePeriod: z.number().int().min(0).max(7200).optional(),
    keyPair: z.string().min(1).max(255).optional(),
    iamInstanceProfile: iamInstanceProfile.optional(),
    tags: z.record(tagKey, z.string().max(256)).optional(),
  })
  .superRefine((settings, context) => {
    if (settings.subnetIds !== undefined && settings.subnetType !== undefined) {
      context.addIssue({ code: 'custom', path: ['subnetType'], message: 'give either subnetIds or subnetType, not both' });
    }
  });

export type AwsServerGroupSettings = z.output<typeof awsServerGroupSettingsSchema>;
export type AwsServerGroupSettingsInput = z.input<typeof awsServerGroupSettingsSchema>;

export const awsBakeSettingsSchema = z.strictObject({
  /** The builder instance's type; default: the account's defaultInstanceType, else t3.small. */
  instanceType: instanceType.optional(),
  /** Where the builder runs; default: the region's first subnet (else the default VPC). */
  subnetId: subnetId.optional(),
  securityGroupIds: z.array(securityGroupId).min(1).optional(),
  iamInstanceProfile: iamInstanceProfile.optional(),
  /** How long the builder may take to install and power off (default 1800). */
  installTimeoutSec: installTimeoutSchema.optional(),
});

export type AwsBakeSettings = z.output<typeof awsBakeSettingsSchema>;

export const DEFAULT_INSTANCE_TYPE = 't3.small';
