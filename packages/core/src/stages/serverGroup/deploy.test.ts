import { describe, expect, it } from 'vitest';
import { SUPPORTED_STRATEGIES } from '@gantry/strategies';
import { check } from '../testSupport';
import { deployClusterOf, deployFieldsSchema, deployStage, imageFromUpstream, waitForUpTimeoutMs, type DeployFields } from './deploy';
import { locationOf } from './fields';

const cluster = {
  account: 'k8s-prod',
  namespace: 'checkout',
  application: 'checkout',
  stack: 'prod',
  freeFormDetails: 'blue-green',
  strategy: 'highlander',
  image: 'registry.example.com/checkout@sha256:abc',
  capacity: { min: 1, max: 4, desired: 2 },
};

const HIGHLANDER = [
  'determineServerGroupName',
  'createServerGroup',
  'waitForUpInstances',
  'enableServerGroup',
  'disableOldServerGroups',
  'destroyOldServerGroups',
];

describe('deploy stage', () => {
  it('plans the highlander tasks, new group name first', () => {
    expect(check(deployStage, { cluster })).toEqual({ ok: true, data: { cluster }, tasks: HIGHLANDER });
  });

  it("accepts Spinnaker's clusters list with one entry, and its extra keys", () => {
    const pasted = { clusters: [{ ...cluster, cloudProvider: 'kubernetes', stack: '', freeFormDetails: '' }], comments: 'x' };
    const result = check(deployStage, pasted);
    expect(result).toMatchObject({ ok: true, tasks: HIGHLANDER });
    const fields = (result as { data: DeployFields }).data;
    expect(deployClusterOf(fields)).toMatchObject({ account: 'k8s-prod', cloudProvider: 'kubernetes' });
    expect(locationOf(deployClusterOf(fields))).toBe('checkout');
  });

  it('rejects an unknown strategy, listing the supported ones', () => {
    expect(check(deployStage, { cluster: { ...cluster, strategy: 'rainbow' } })).toEqual({
      ok: false,
      issues: [{ path: ['cluster', 'strategy'], message: `unsupported strategy "rainbow": supported strategies are none, ${SUPPORTED_STRATEGIES.join(', ')}` }],
    });
  });

  it('saves a deploy without image, which takes at start what the nearest bake before it made for its region', () => {
    const { image: _image, ...imageless } = cluster;
    const aws = { ...imageless, namespace: undefined, availabilityZones: { 'us-west-1': ['us-west-1a', 'us-west-1c'] } };
    // Spinnaker's older shape: the account on the stage, the region only in availabilityZones.
    const { account: _account, ...accountless } = aws;
    const saved = check(deployStage, { account: 'aws-test', cluster: accountless });
    expect(saved).toMatchObject({ ok: true });
    const bakes = [
      { deploymentDetails: [{ region: 'us-east-1', imageId: 'ami-east' }, { region: 'us-west-1', imageId: 'ami-west' }] },
      { deploymentDetails: [{ region: 'us-west-1', imageId: 'ami-older' }] },
    ];
    const filled = imageFromUpstream({ clusters: [aws] }, bakes);
    const fields = deployFieldsSchema.parse(filled);
    expect(deployClusterOf(fields)).toMatchObject({ image: 'ami-west', region: 'us-west-1' });
    const oldShape = deployFieldsSchema.parse({ account: 'aws-test', cluster: { ...accountless, image: 'ami-1' } });
    expect(deployClusterOf(oldShape)).toMatchObject({ account: 'aws-test', region: 'us-west-1' });
    // Named images are kept; none upstream for the region fails naming the field.
    expect(imageFromUpstream({ cluster }, bakes)).toEqual({ cluster });
    expect(() => imageFromUpstream({ cluster: { ...aws, availabilityZones: { 'eu-west-1': [] } } }, bakes)).toThrow(/cluster.image|no image/);
    expect(check(deployStage, { cluster: { ...aws, availabilityZones: { a: [], b: [] } } })).toMatchObject({
      ok: false,
      issues: [{ path: ['cluster', 'availabilityZones'], message: 'one region per stage: Gantry deploys to one location at a time' }],
    });
  });

  it('reads Spinnaker\'s "" or absent strategy as none (the new group takes traffic, old groups untouched) and a missing capacity as one instance', () => {
    const { strategy: _omitted, capacity: _capacity, ...bare } = cluster;
    for (const spelled of [bare, { ...bare, strategy: '' }, { ...bare, strategy: 'none' }]) {
      const fields = deployFieldsSchema.parse({ clusters: [spelled] });
      expect(deployClusterOf(fields)).toMatchObject({ strategy: 'none', capacity: { min: 1, max: 1, desired: 1 } });
      expect(deployStage.tasks(fields)).toEqual(['determineServerGroupName', 'createServerGroup', 'waitForUpInstances', 'enableServerGroup']);
    }
    // Counts as text, as Spinnaker's UI writes them.
    const texts = deployFieldsSchema.parse({ cluster: { ...cluster, capacity: { min: '1', max: '3', desired: '2' }, maxRemainingAsgs: '2' } });
    expect(deployClusterOf(texts)).toMatchObject({ capacity: { min: 1, max: 3, desired: 2 }, maxRemainingAsgs: 2 });
  });

  it('checks names, capacity and location', () => {
    const bad = {
      ...cluster,
      application: 'Checkout',
      stack: 'prod-eu',
      capacity: { min: 1, max: 4, desired: 5 },
    };
    expect(check(deployStage, { cluster: bad })).toEqual({
      ok: false,
      issues: [
        {
          path: ['cluster', 'application'],
          message: 'expected lower-case letters and digits: a cluster name (application-stack-detail) cannot tell an application with "-" from its stack',
        },
        { path: ['cluster', 'stack'], message: 'expected lower-case letters and digits (no "-": it separates stack from detail)' },
        { path: ['cluster', 'capacity', 'desired'], message: 'desired (5) must be between min (1) and max (4)' },
      ],
    });
    expect(check(deployStage, { cluster: { ...cluster, region: 'us-east-1' } })).toEqual({
      ok: false,
      issues: [{ path: ['cluster', 'region'], message: 'names a different location than namespace: namespace=checkout, region=us-east-1' }],
    });
  });

  it('refuses to plan a strategy it cannot run, should validation have been skipped', () => {
    const fields = { cluster: { ...cluster, strategy: 'rainbow' } } as unknown as DeployFields;
    expect(() => deployStage.tasks(fields)).toThrow(`unsupported strategy "rainbow": supported strategies are ${SUPPORTED_STRATEGIES.join(', ')}`);
  });

  it('wants exactly one cluster', () => {
    expect(check(deployStage, {})).toEqual({ ok: false, issues: [{ path: ['cluster'], message: 'cluster is required (or clusters with one entry)' }] });
    expect(check(deployStage, { cluster, clusters: [cluster] })).toMatchObject({ ok: false, issues: [{ path: ['clusters'] }] });
    expect(check(deployStage, { clusters: [cluster, cluster] })).toEqual({
      ok: false,
      issues: [{ path: ['clusters'], message: 'a deploy stage deploys one cluster; split these 2 clusters into 2 deploy stages' }],
    });
  });

  it('accepts expressions for the image, the capacity or the whole cluster when saved', () => {
    for (const fields of [
      { cluster: { ...cluster, image: '${trigger.artifacts[0].reference}' } },
      { cluster: { ...cluster, capacity: { min: 1, max: 4, desired: '${parameters.replicas}' } } },
      { cluster: { ...cluster, strategy: '${parameters.strategy}' } },
      { cluster: '${parameters.cluster}' },
    ]) {
      expect(deployStage.fields.safeParse(fields).success, JSON.stringify(fields)).toBe(true);
    }
  });

  it('times the wait for instances from waitForUpTimeoutSec, 600 s by default', () => {
    expect(waitForUpTimeoutMs({})).toBe(600_000);
    expect(check(deployStage, { cluster, waitForUpTimeoutSec: '2' })).toMatchObject({ ok: true, data: { waitForUpTimeoutSec: 2 } });
    expect(waitForUpTimeoutMs({ waitForUpTimeoutSec: 2 })).toBe(2_000);
    expect(check(deployStage, { cluster, waitForUpTimeoutSec: 0 })).toEqual({
      ok: false,
      issues: [{ path: ['waitForUpTimeoutSec'], message: 'must be more than 0 seconds' }],
    });
  });
});

describe('deploy rollback.onFailure', () => {
  it('plans the rollback as the on-failure tasks only when asked', () => {
    const fields = deployStage.fields.parse({ cluster, rollback: { onFailure: true } });
    expect(deployStage.onFailureTasks?.(fields)).toEqual(['determineDeployRollback', 'restoreServerGroup', 'disableRolledBackServerGroup']);
    expect(deployStage.onFailureTasks?.(deployStage.fields.parse({ cluster }))).toEqual([]);
    expect(check(deployStage, { cluster, rollback: { onFailure: 'yes' } })).toMatchObject({ ok: false, issues: [{ path: ['rollback', 'onFailure'] }] });
  });
});
