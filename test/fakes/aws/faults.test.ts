/** Throttling, one-shot interruption, injected faults, the request log, and the wire format of errors. */
import { DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeImagesCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAws, type FakeAws } from './index';
import { awsError, clientsFor, type Clients } from './testSupport';

let fake: FakeAws;
let clients: Clients;

beforeAll(async () => {
  fake = await startFakeAws();
  clients = clientsFor(fake.url);
});
afterEach(() => fake.clearFaults());
afterAll(() => fake.close());

async function post(body: string, service?: string): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (service) headers.Authorization = `AWS4-HMAC-SHA256 Credential=x/20260101/eu-central-1/${service}/aws4_request, SignedHeaders=host, Signature=0`;
  const response = await fetch(fake.url, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}

describe('throttling', () => {
  it('answers Throttling (Auto Scaling, ELBv2; HTTP 400) and RequestLimitExceeded (EC2; HTTP 503) at rate 1, nothing at rate 0', async () => {
    fake.setThrottleRate(1);
    expect(await awsError(clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({})))).toMatchObject({ name: 'Throttling', status: 400, message: 'Rate exceeded' });
    expect(await awsError(clients.elbv2.send(new DescribeTargetGroupsCommand({})))).toMatchObject({ name: 'Throttling', status: 400 });
    expect(await awsError(clients.ec2.send(new DescribeVpcsCommand({})))).toMatchObject({ name: 'RequestLimitExceeded', status: 503 });
    fake.setThrottleRate(0);
    expect((await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups).toEqual([]);
    expect(() => fake.setThrottleRate(2)).toThrow(/between 0 and 1/);
  });

  it('lets the SDK retry a throttled call by itself when retries are on', async () => {
    fake.injectFault({ action: 'DescribeImages', code: 'RequestLimitExceeded', status: 503, times: 1 });
    const retrying = new EC2Client({ endpoint: fake.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 3 });
    const out = await retrying.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
    expect(out.Images).toHaveLength(1);
    expect(fake.requests().filter((r) => r.action === 'DescribeImages').map((r) => r.status).slice(-2)).toEqual([503, 200]);
  });
});

describe('interruption and injected faults', () => {
  it('fails the call after N more with HTTP 500 InternalFailure, once', async () => {
    fake.interruptAfter(1);
    await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({}));
    expect(await awsError(clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({})))).toMatchObject({ name: 'InternalFailure', status: 500 });
    await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({}));
    fake.interruptAfter(0);
    expect(await awsError(clients.ec2.send(new DescribeVpcsCommand({})))).toMatchObject({ name: 'InternalError', status: 500 });
  });

  it('answers an injected fault for its action only, as many times as asked, before anything changes', async () => {
    fake.injectFault({ action: 'SetDesiredCapacity', code: 'ResourceContention', status: 500, times: 2, message: 'busy' });
    const call = (): Promise<unknown> => clients.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'missing', DesiredCapacity: 1 }));
    expect(await awsError(call())).toMatchObject({ name: 'ResourceContentionFault', status: 500, message: 'busy' });
    await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({}));
    expect(await awsError(call())).toMatchObject({ name: 'ResourceContentionFault' });
    expect(await awsError(call())).toMatchObject({ name: 'ValidationError' });
  });

  it('logs every call with its service, region, action and outcome', async () => {
    await clientsFor(fake.url, 'ap-southeast-2').ec2.send(new DescribeVpcsCommand({}));
    expect(fake.requests().at(-1)).toEqual({ service: 'ec2', region: 'ap-southeast-2', action: 'DescribeVpcs', status: 200 });
  });
});

describe('wire format', () => {
  it('writes Query errors as ErrorResponse and EC2 errors as Response/Errors', async () => {
    const asg = await post('Action=SetDesiredCapacity&Version=2011-01-01&AutoScalingGroupName=none&DesiredCapacity=1', 'autoscaling');
    expect(asg.status).toBe(400);
    expect(asg.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><ErrorResponse xmlns="http:\/\/autoscaling.amazonaws.com\/doc\/2011-01-01\/"><Error><Type>Sender<\/Type><Code>ValidationError<\/Code><Message>[^<]+<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/);
    const ec2 = await post('Action=DescribeImages&Version=2016-11-15&ImageId.1=ami-0123456789abcdef0', 'ec2');
    expect(ec2.text).toMatch(/<Response><Errors><Error><Code>InvalidAMIID.NotFound<\/Code><Message>[^<]+<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/);
  });

  it('routes by Version without a signature, keeps regions from the credential scope, and refuses unknown actions', async () => {
    const byVersion = await post('Action=DescribeTargetGroups&Version=2015-12-01');
    expect(byVersion.text).toContain('<DescribeTargetGroupsResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeTargetGroupsResult>');
    const zones = await post('Action=DescribeAvailabilityZones&Version=2016-11-15', 'ec2');
    expect(zones.text).toContain('<zoneName>eu-central-1a</zoneName>');
    expect(zones.text).toContain('<DescribeAvailabilityZonesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>');
    const unknown = await post('Action=CreateLaunchConfiguration&Version=2011-01-01', 'autoscaling');
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('<Code>InvalidAction</Code>');
    expect((await post('Action=toString&Version=2011-01-01', 'autoscaling')).text).toContain('<Code>InvalidAction</Code>');
    const nothing = await post('Action=Anything');
    expect(nothing.text).toContain('<Code>UnknownService</Code>');
  });
});
