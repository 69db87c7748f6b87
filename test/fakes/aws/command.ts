/** `npm run fake -- aws [--port N] [--ready-delay-ms N] [--image-delay-ms N] [--region R] [--seed-target-group NAME]…`. */
import { parseArgs } from 'node:util';
import { integerOption, type FakeCommand } from '../command';
import { startFakeAws } from './server';
import { clientsFor } from './sdkClients';
import { CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeVpcsCommand } from '@aws-sdk/client-ec2';

export const awsCommand: FakeCommand = {
  summary: 'fake AWS Query API (Auto Scaling, EC2, ELBv2) on one port, state per region',
  options: [
    '--port N                  port on 127.0.0.1 (default: a free port)',
    '--ready-delay-ms N        how long instances take to launch and targets to turn healthy (default 100)',
    '--image-delay-ms N        how long new AMIs stay pending (default 200)',
    '--region R                region of the seeded target groups (default us-east-1)',
    '--seed-target-group NAME  create an HTTP:80 target group in the default VPC (repeatable)',
  ],
  async start(args) {
    const { values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        'ready-delay-ms': { type: 'string' },
        'image-delay-ms': { type: 'string' },
        region: { type: 'string' },
        'seed-target-group': { type: 'string', multiple: true },
      },
      strict: true,
    });
    const region = values.region ?? 'us-east-1';
    const fake = await startFakeAws({
      port: integerOption(values.port, 'port', 0),
      readyDelayMs: integerOption(values['ready-delay-ms'], 'ready-delay-ms', 100),
      imageDelayMs: integerOption(values['image-delay-ms'], 'image-delay-ms', 200),
    });
    // Seeded through the real SDK, so the seed is exactly what a client would have created.
    const seeds = values['seed-target-group'] ?? [];
    try {
      if (seeds.length > 0) {
        const clients = clientsFor(fake.url, region);
        const vpcs = await clients.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
        for (const name of seeds) {
          await clients.elbv2.send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 80, VpcId: vpcs.Vpcs?.[0]?.VpcId }));
        }
      }
    } catch (error) {
      await fake.close();
      throw new Error(`--seed-target-group: ${(error as Error).message}`);
    }
    const env = `AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=y aws --endpoint-url ${fake.url} --region ${region}`;
    return {
      url: fake.url,
      close: () => fake.close(),
      hints: [
        `${env} autoscaling describe-auto-scaling-groups`,
        `${env} ec2 describe-images --owners self amazon`,
        `${env} elbv2 describe-target-groups`,
      ],
    };
  },
};
