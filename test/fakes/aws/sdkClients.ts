/** The real SDK v3 clients pointed at a fake, as FACTS.md describes (used by the tests and the CLI's seeding). */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';

export interface Clients {
  autoScaling: AutoScalingClient;
  ec2: EC2Client;
  elbv2: ElasticLoadBalancingV2Client;
}

/** As in FACTS.md, with retries off so a test sees every answer the fake gives. */
export function clientsFor(url: string, region = 'us-east-1'): Clients {
  const config = { endpoint: url, region, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 };
  return { autoScaling: new AutoScalingClient(config), ec2: new EC2Client(config), elbv2: new ElasticLoadBalancingV2Client(config) };
}
