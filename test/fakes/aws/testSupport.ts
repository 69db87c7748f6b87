/** Shared by the fake's tests: SDK clients, polling, and reading SDK errors. */
import { CreateLaunchTemplateCommand, DescribeImagesCommand, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import type { Clients } from './sdkClients';

export { clientsFor, type Clients } from './sdkClients';
export { eventually } from '../../support/eventually';

/** The error a call rejected with: its SDK class name, message and HTTP status. */
export async function awsError(call: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await call;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

/** The region's seeded base AMI and subnets, and a launch template using them: what most tests start from. */
export async function launchTemplateFixture(clients: Clients, name: string, data: { ImageId?: string } = {}): Promise<{ imageId: string; subnetIds: string[]; launchTemplateId: string; vpcId: string }> {
  const images = await clients.ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  const imageId = data.ImageId ?? images.Images?.[0]?.ImageId ?? '';
  const subnets = await clients.ec2.send(new DescribeSubnetsCommand({}));
  const created = await clients.ec2.send(new CreateLaunchTemplateCommand({
    LaunchTemplateName: name,
    LaunchTemplateData: { ImageId: imageId, InstanceType: 't3.micro' },
  }));
  return {
    imageId,
    subnetIds: (subnets.Subnets ?? []).map((subnet) => subnet.SubnetId ?? ''),
    vpcId: subnets.Subnets?.[0]?.VpcId ?? '',
    launchTemplateId: created.LaunchTemplate?.LaunchTemplateId ?? '',
  };
}
