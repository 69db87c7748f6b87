import { z } from 'zod';
import { baseAccountShape, checkUniqueRegions, envReference, httpUrl } from '../accountFields';

const awsRegionName = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as us-east-1');
/** A region, with the network server groups are placed in there (Spinnaker: `regions: [{name}]`). */
// A plain name is short for {name}, so that problems in either form are reported by field.
const awsRegion = z.preprocess(
  (region) => (typeof region === 'string' ? { name: region } : region),
  z.strictObject({
    name: awsRegionName,
    subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/, 'a subnet id (subnet-…)')).min(1).optional(),
    availabilityZones: z.array(z.string().regex(/^[a-z]{2}(-[a-z0-9]+)+[a-z]$/, 'an availability zone such as us-east-1a')).min(1).optional(),
    securityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]+$/, 'a security group id (sg-…)')).min(1).optional(),
    /**
     * The AMI a bake starts from for each `baseOs` name (ubuntu, trusty…), as Spinnaker's bakery
     * (rosco) is configured: a Spinnaker bake names a baseOs, not an image.
     */
    baseImages: z.record(z.string().min(1), z.string().regex(/^ami-[0-9a-f]+$/, 'an AMI id (ami-…)')).optional(),
  }),
);

export const awsAccountSchema = z
  .strictObject({
    ...baseAccountShape,
    provider: z.literal('aws'),
    /** The first region is where stages act unless they name another. */
    regions: z
      .array(awsRegion, { error: (issue) => (issue.input === undefined ? 'required: the regions to use, e.g. [us-east-1]' : undefined) })
      .min(1, 'list at least one region'),
    accountId: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id').optional(),
    /** References to environment variables; absent: the SDK's default chain (env, profile, instance role). */
    credentials: z
      .strictObject({ accessKeyId: envReference, secretAccessKey: envReference, sessionToken: envReference.optional() })
      .optional(),
    /** Another endpoint for every service (a fake, LocalStack). */
    endpoint: httpUrl.optional(),
    defaultInstanceType: z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, 'an instance type such as t3.small').optional(),
    /** Tries per SDK call (default 1: RetryingProvider retries, and the audit log records each retry). */
    maxAttempts: z.number().int().min(1).max(10).optional(),
  })
  .superRefine((account, context) => checkUniqueRegions(account.regions, context));

export type AwsAccountConfig = z.output<typeof awsAccountSchema>;
export type AwsRegionConfig = AwsAccountConfig['regions'][number];
