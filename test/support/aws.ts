import { DescribeImagesCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { FakeAws } from '../fakes/aws';
import { clientsFor } from '../fakes/aws/testSupport';
import { AWS_TAGS, parseAccounts, type AwsAccountConfig } from '../../packages/providers/src';

/** Helpers for tests against the fake AWS: an account on it, what exists before Gantry runs, and views of its state. */

export const AWS_REGION = 'us-east-1';
/** A second region of the account, where bakes copy their AMIs. */
export const AWS_COPY_REGION = 'us-west-2';

/** What the test account's credential references name: the fake checks no signature, so any keys do. */
export const AWS_TEST_ENV: NodeJS.ProcessEnv = { GANTRY_TEST_AWS_KEY_ID: 'AKIAFAKE', GANTRY_TEST_AWS_SECRET: 'fake-secret' };

/** The environment of the real `aws` CLI run against a fake: dummy keys, and never this machine's own configuration, profile or instance metadata. */
export const AWS_CLI_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'y',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_PAGER: '',
};

/** An aws account on a fake at `endpoint` (us-east-1 on two zones, and us-west-2), as accounts.yaml would give it. */
export function awsAccount(endpoint: string, name = 'aws'): AwsAccountConfig {
  const yaml = `accounts:
  - name: ${name}
    provider: aws
    endpoint: ${endpoint}
    credentials: { accessKeyId: { env: GANTRY_TEST_AWS_KEY_ID }, secretAccessKey: { env: GANTRY_TEST_AWS_SECRET } }
    defaultInstanceType: t3.micro
    regions:
      - name: ${AWS_REGION}
        availabilityZones: [${AWS_REGION}a, ${AWS_REGION}b]
      - ${AWS_COPY_REGION}
`;
  const [account] = parseAccounts(yaml, 'accounts.yaml');
  if (account?.provider !== 'aws') throw new Error('the aws test account did not parse');
  return account;
}

/**
 * Creates, through the real SDK, the load balancer's target groups (made by whoever runs the load
 * balancer, not by Gantry) in us-east-1's default VPC; answers the region's public base AMI.
 */
export async function seedAws(endpoint: string, targetGroups: string[]): Promise<{ baseImage: string; targetGroupArns: Record<string, string> }> {
  const sdk = clientsFor(endpoint, AWS_REGION);
  try {
    const images = await sdk.ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
    const baseImage = images.Images?.[0]?.ImageId;
    if (baseImage === undefined) throw new Error('the fake has no public base AMI');
    const vpcs = await sdk.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
    const targetGroupArns: Record<string, string> = {};
    for (const name of targetGroups) {
      const created = await sdk.elbv2.send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 8080, VpcId: vpcs.Vpcs?.[0]?.VpcId, TargetType: 'instance' }));
      targetGroupArns[name] = created.TargetGroups?.[0]?.TargetGroupArn ?? '';
    }
    return { baseImage, targetGroupArns };
  } finally {
    for (const client of Object.values(sdk)) client.destroy();
  }
}

/** Auto Scaling groups of a cluster in the fake, sorted; one being deleted counts until AWS has finished. */
export function autoScalingGroupsOf(fake: FakeAws, cluster: string, region = AWS_REGION): string[] {
  return fake
    .autoScalingGroups(region)
    .filter((group) => group.tags.some((tag) => tag.key === AWS_TAGS.cluster && tag.value === cluster))
    .map((group) => group.name)
    .sort();
}

/** Launch templates of a cluster's server groups in the fake, sorted. */
export function launchTemplatesOf(fake: FakeAws, cluster: string, region = AWS_REGION): string[] {
  return fake
    .launchTemplates(region)
    .filter((template) => template.tags.get(AWS_TAGS.cluster) === cluster)
    .map((template) => template.launchTemplateName)
    .sort();
}

/** The Auto Scaling groups whose instances the target group has as healthy targets (one entry per target), sorted. */
export function servedByTargetGroup(fake: FakeAws, targetGroupArn: string, region = AWS_REGION): string[] {
  const groupOf = new Map(fake.instances(region).map((instance) => [instance.instanceId, instance.autoScaling?.groupName ?? '?']));
  return fake
    .targetHealth(region, targetGroupArn)
    .filter((target) => target.state === 'healthy')
    .map((target) => groupOf.get(target.id) ?? '?')
    .sort();
}
