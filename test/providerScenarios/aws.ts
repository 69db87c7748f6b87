import { DescribeImagesCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { startFakeAws } from '../fakes/aws';
import { clientsFor } from '../fakes/aws/testSupport';
import { ProviderRegistry, parseAccounts, type ClusterRef } from '../../packages/providers/src';
import { AwsProvider } from '../../packages/providers/src/aws';
import type { ProviderUnderTest } from './harness';
import { SCENARIO_RETRY, uniqueCluster } from './naming';

const REGION = 'us-east-1';
const TARGET_GROUP = 'scenario-web';

/**
 * The AWS provider (real SDK v3 clients) against the fake Auto Scaling, EC2 and ELBv2: groups
 * launch the region's base AMI into two zones and serve through one target group.
 */
export async function awsUnderTest(): Promise<ProviderUnderTest> {
  const fake = await startFakeAws({ readyDelayMs: 100 });
  const sdk = clientsFor(fake.url, REGION);
  const baseImage = (await sdk.ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images?.[0]?.ImageId ?? '';
  const vpcId = (await sdk.ec2.send(new DescribeVpcsCommand({}))).Vpcs?.[0]?.VpcId ?? '';
  const created = await sdk.elbv2.send(new CreateTargetGroupCommand({ Name: TARGET_GROUP, Protocol: 'HTTP', Port: 8080, VpcId: vpcId, TargetType: 'instance' }));
  const targetGroupArn = created.TargetGroups?.[0]?.TargetGroupArn ?? '';
  for (const client of Object.values(sdk)) client.destroy();

  const [account] = parseAccounts(
    `accounts:
  - name: aws
    provider: aws
    endpoint: ${fake.url}
    credentials: { accessKeyId: { env: SCENARIO_AWS_KEY }, secretAccessKey: { env: SCENARIO_AWS_SECRET } }
    regions: [{ name: ${REGION}, availabilityZones: [${REGION}a, ${REGION}b] }]
`,
    'accounts.yaml',
  );
  if (account?.provider !== 'aws') throw new Error('the scenario account did not parse');
  const env = { SCENARIO_AWS_KEY: 'AKIAFAKE', SCENARIO_AWS_SECRET: 'fake' };
  const unretried = new AwsProvider(account, { env });
  const failing = new Set<string>();
  const groupOf = (instanceId: string) => fake.instances(REGION).find((instance) => instance.instanceId === instanceId)?.autoScaling?.groupName;
  return {
    name: 'aws',
    provider: new ProviderRegistry([account], {}, { retry: SCENARIO_RETRY, env }).forAccount('aws').provider,
    unretried,
    cluster: () => uniqueCluster('aws', REGION),
    spec: (cluster: ClusterRef, sequence, overrides = {}) => ({
      account: cluster.account,
      location: REGION,
      application: cluster.application,
      cluster: cluster.cluster,
      name: `${cluster.cluster}-v${String(sequence).padStart(3, '0')}`,
      image: baseImage,
      capacity: { min: 2, max: 2, desired: 2 },
      enabled: false,
      settings: { targetGroups: [TARGET_GROUP] },
      ...overrides,
    }),
    failInstances: async (serverGroup) => {
      failing.add(serverGroup);
      fake.failInstances((instance) => instance.autoScalingGroupName !== undefined && failing.has(instance.autoScalingGroupName));
    },
    throttle: async (rate) => fake.setThrottleRate(rate),
    interruptAfter: async (calls) => fake.interruptAfter(calls),
    // The target group's healthy targets, by the Auto Scaling group that launched them.
    servingServerGroups: async (cluster) => {
      const names = fake
        .targetHealth(REGION, targetGroupArn)
        .filter((target) => target.state === 'healthy')
        .map((target) => groupOf(target.id) ?? '')
        .filter((name) => name.startsWith(`${cluster.cluster}-v`));
      return [...new Set(names)].sort();
    },
    // A group whose deletion is under way is gone already (AWS finishes it alone), as the provider reads it.
    resourcesOf: async (serverGroup) =>
      fake.autoScalingGroups(REGION).filter((group) => group.name === serverGroup && group.deleteAfter === undefined).length +
      fake.launchTemplates(REGION).filter((template) => template.launchTemplateName === serverGroup).length,
    close: async () => {
      unretried.close();
      await fake.close();
    },
  };
}
