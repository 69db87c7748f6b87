import { startFakeAws } from '../fakes/aws';
import { AWS_REGION as REGION, AWS_TEST_ENV, awsAccount, seedAws, servedByTargetGroup } from '../support/aws';
import { ProviderRegistry, type ClusterRef } from '../../packages/providers/src';
import { AwsProvider } from '../../packages/providers/src/aws';
import type { ProviderUnderTest } from './harness';
import { SCENARIO_RETRY, scenarioSpec, uniqueCluster } from './naming';

const TARGET_GROUP = 'scenario-web';

/**
 * The AWS provider (real SDK v3 clients) against the fake Auto Scaling, EC2 and ELBv2, through the
 * test account of ../support/aws: groups launch the region's base AMI into two zones and serve
 * through one target group.
 */
export async function awsUnderTest(): Promise<ProviderUnderTest> {
  const fake = await startFakeAws({ readyDelayMs: 100 });
  const { baseImage, targetGroupArns } = await seedAws(fake.url, [TARGET_GROUP]);
  const targetGroupArn = targetGroupArns[TARGET_GROUP] ?? '';

  const account = awsAccount(fake.url);
  const env = AWS_TEST_ENV;
  const unretried = new AwsProvider(account, { env });
  const failing = new Set<string>();
  return {
    name: 'aws',
    provider: new ProviderRegistry([account], {}, { retry: SCENARIO_RETRY, env }).forAccount(account.name).provider,
    unretried,
    cluster: () => uniqueCluster('aws', REGION),
    spec: (cluster: ClusterRef, sequence, overrides = {}) => scenarioSpec(cluster, sequence, { location: REGION, image: baseImage, settings: { targetGroups: [TARGET_GROUP] } }, overrides),
    failInstances: async (serverGroup) => {
      failing.add(serverGroup);
      fake.failInstances((instance) => instance.autoScalingGroupName !== undefined && failing.has(instance.autoScalingGroupName));
    },
    throttle: async (rate) => fake.setThrottleRate(rate),
    interruptAfter: async (calls) => fake.interruptAfter(calls),
    servingServerGroups: async (cluster) => [...new Set(servedByTargetGroup(fake, targetGroupArn).filter((name) => name.startsWith(`${cluster.cluster}-v`)))],
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
