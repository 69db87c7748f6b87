import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { describe, expect, it } from 'vitest';
import { computeHealth, isEnabled, targetGroupNameOf, toServerGroup, type TargetStates } from './serverGroup';

const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/0123456789abcdef';

function group(overrides: Partial<AutoScalingGroup> = {}): AutoScalingGroup {
  return {
    AutoScalingGroupName: 'checkout-prod-v007',
    MinSize: 1,
    MaxSize: 4,
    DesiredCapacity: 3,
    CreatedTime: new Date('2026-01-01T00:00:00Z'),
    Tags: [
      { Key: 'gantry:server-group', Value: 'checkout-prod-v007' },
      { Key: 'gantry:cluster', Value: 'checkout-prod' },
      { Key: 'gantry:application', Value: 'checkout' },
      { Key: 'gantry:image', Value: 'ami-0abc' },
      { Key: 'gantry:target-groups', Value: 'web-tg' },
    ],
    TargetGroupARNs: [TG],
    SuspendedProcesses: [],
    Instances: [
      { InstanceId: 'i-1', LifecycleState: 'InService', HealthStatus: 'Healthy', AvailabilityZone: 'us-east-1a', ProtectedFromScaleIn: false },
      { InstanceId: 'i-2', LifecycleState: 'InService', HealthStatus: 'Healthy', AvailabilityZone: 'us-east-1a', ProtectedFromScaleIn: false },
      { InstanceId: 'i-3', LifecycleState: 'Pending', HealthStatus: 'Healthy', AvailabilityZone: 'us-east-1b', ProtectedFromScaleIn: false },
      { InstanceId: 'i-4', LifecycleState: 'Terminating', HealthStatus: 'Unhealthy', AvailabilityZone: 'us-east-1b', ProtectedFromScaleIn: false },
    ],
    ...overrides,
  } as AutoScalingGroup;
}

const targets = (states: Record<string, string>): TargetStates => new Map([[TG, new Map(Object.entries(states))]]);

describe('reading an Auto Scaling group', () => {
  it('is enabled when the cluster target groups are attached and AddToLoadBalancer runs', () => {
    expect(isEnabled(group())).toBe(true);
    expect(isEnabled(group({ SuspendedProcesses: [{ ProcessName: 'AddToLoadBalancer' }] }))).toBe(false);
    expect(isEnabled(group({ TargetGroupARNs: [] }))).toBe(false);
    // Without target groups, Spinnaker's reading: enabled unless suspended.
    expect(isEnabled(group({ TargetGroupARNs: [], Tags: [] }))).toBe(true);
  });

  it('counts up only what every attached target group finds healthy while enabled', () => {
    expect(computeHealth(group(), targets({ 'i-1': 'healthy', 'i-2': 'initial' }))).toEqual({ desired: 3, up: 1, down: 0, unknown: 2 });
    expect(computeHealth(group(), targets({ 'i-1': 'healthy', 'i-2': 'unhealthy' }))).toEqual({ desired: 3, up: 1, down: 1, unknown: 1 });
  });

  it('judges a disabled group by Auto Scaling health alone, and Unhealthy instances as down', () => {
    const disabled = group({ TargetGroupARNs: [], SuspendedProcesses: [{ ProcessName: 'AddToLoadBalancer' }] });
    expect(computeHealth(disabled, new Map())).toEqual({ desired: 3, up: 2, down: 0, unknown: 1 });
    const sick = group({ TargetGroupARNs: [], Instances: [{ InstanceId: 'i-9', LifecycleState: 'InService', HealthStatus: 'Unhealthy', AvailabilityZone: 'a', ProtectedFromScaleIn: false }] });
    expect(computeHealth(sick, new Map())).toMatchObject({ up: 0, down: 1 });
  });

  it('reads name, cluster, image and capacity from the group and its tags', () => {
    expect(toServerGroup(group(), targets({}), 'aws-prod', 'us-east-1')).toMatchObject({
      account: 'aws-prod',
      location: 'us-east-1',
      application: 'checkout',
      cluster: 'checkout-prod',
      name: 'checkout-prod-v007',
      sequence: 7,
      image: 'ami-0abc',
      capacity: { min: 1, max: 4, desired: 3 },
      enabled: true,
      details: { clusterTargetGroups: ['web-tg'], targetGroupArns: [TG] },
    });
    expect(targetGroupNameOf(TG)).toBe('web-tg');
  });
});
