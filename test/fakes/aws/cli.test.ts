/** The standalone CLI (`npm run fake -- aws`), spawned as a user would run it. */
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, it } from 'vitest';
import { StartedFakeClis, waitForOutput } from '../cliProcess';
import { clientsFor } from './testSupport';

const clis = new StartedFakeClis();

afterEach(() => clis.killRunning());

describe('npm run fake -- aws', () => {
  it('serves the seeded target groups, prints AWS CLI hints, and stops on SIGTERM', async () => {
    const cli = clis.start('aws', '--ready-delay-ms', '10', '--seed-target-group', 'web', '--seed-target-group', 'api');
    const [, url] = await waitForOutput(cli.output, /fake aws listening on (http:\/\/127\.0\.0\.1:\d+)/);
    expect(cli.output()).toContain(`try: AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=y aws --endpoint-url ${url} --region us-east-1 autoscaling describe-auto-scaling-groups`);
    const groups = await clientsFor(url ?? '').elbv2.send(new DescribeTargetGroupsCommand({}));
    expect(groups.TargetGroups?.map((g) => g.TargetGroupName)).toEqual(['api', 'web']);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('exits 2 with the usage for a bad option', async () => {
    const cli = clis.start('aws', '--ready-delay-ms', 'soon');
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toContain('--ready-delay-ms must be a non-negative integer');
    expect(cli.output()).toContain('--seed-target-group NAME');
  });
});
