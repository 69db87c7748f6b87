import { describe, expect, it } from 'vitest';
import { cloneServerGroupFieldsSchema, cloneServerGroupStage, clonedCluster } from './cloneServerGroup';

describe('cloneServerGroup fields', () => {
  it("reads deck's GCE clone (targetCluster + target, credentials, region) as a source found in the cluster", () => {
    const fields = cloneServerGroupFieldsSchema.parse({
      application: 'compute',
      cloudProvider: 'gce',
      credentials: 'gce',
      freeFormDetails: '',
      region: 'us-central1',
      stack: '',
      target: 'current_asg_dynamic',
      targetCluster: 'compute',
      useSourceCapacity: true,
    });
    expect(fields.source).toMatchObject({ account: 'gce', region: 'us-central1', cluster: 'compute', target: 'current_asg_dynamic' });
    expect(fields.cluster).toMatchObject({ account: 'gce', region: 'us-central1', application: 'compute', strategy: 'none' });
    expect(fields.cluster.image).toBeUndefined();
    expect(cloneServerGroupStage.tasks(fields)).toEqual(['determineCloneSource', 'determineServerGroupName', 'createServerGroup', 'waitForUpInstances', 'enableServerGroup']);
  });

  it("reads orca's explicit source (asgName) and the image, instance type and capacity overrides", () => {
    const fields = cloneServerGroupFieldsSchema.parse({
      application: 'shop',
      stack: 'web',
      account: 'prod',
      availabilityZones: { 'us-east-1': ['us-east-1a'] },
      source: { account: 'prod', region: 'us-east-1', asgName: 'shop-web-v004' },
      amiName: 'ami-2',
      instanceType: 'm5.large',
      capacity: { min: 1, max: 3, desired: 2 },
      strategy: 'redblack',
    });
    expect(fields.source).toMatchObject({ account: 'prod', region: 'us-east-1', serverGroupName: 'shop-web-v004' });
    expect(fields.cluster).toMatchObject({ region: 'us-east-1', image: 'ami-2', settings: { instanceType: 'm5.large' } });
    const cluster = clonedCluster(fields, { image: 'ami-1', capacity: { min: 4, max: 4, desired: 4 } });
    expect(cluster).toMatchObject({ image: 'ami-2', capacity: { min: 1, max: 3, desired: 2 } });
    expect(cloneServerGroupStage.tasks(fields)[0]).toBe('determineCloneSource');
  });

  it("takes the source's image and capacity when not overridden, and its capacity always with useSourceCapacity", () => {
    const base = { application: 'shop', account: 'k8s', namespace: 'ns1', source: { serverGroupName: 'shop-v001' } };
    const source = { image: 'img:1', capacity: { min: 2, max: 2, desired: 2 } };
    expect(clonedCluster(cloneServerGroupFieldsSchema.parse(base), source)).toMatchObject({ image: 'img:1', capacity: source.capacity, namespace: 'ns1' });
    const pinned = cloneServerGroupFieldsSchema.parse({ ...base, targetSize: 5, useSourceCapacity: true });
    expect(clonedCluster(pinned, source)).toMatchObject({ capacity: source.capacity });
    const sized = cloneServerGroupFieldsSchema.parse({ ...base, targetSize: 5 });
    expect(clonedCluster(sized, source)).toMatchObject({ capacity: { min: 5, max: 5, desired: 5 } });
    // The source is in the stage's account and location when it names none.
    expect(cloneServerGroupFieldsSchema.parse(base).source).toMatchObject({ account: 'k8s', region: 'ns1' });
  });

  it('refuses a stage without a source or an application, naming the field', () => {
    const missingSource = cloneServerGroupFieldsSchema.safeParse({ application: 'shop', account: 'k8s' });
    expect(missingSource.success).toBe(false);
    expect(missingSource.error?.issues.map((issue) => issue.path.join('.'))).toContain('source.cluster');
    const missingApp = cloneServerGroupFieldsSchema.safeParse({ account: 'k8s', source: { serverGroupName: 'shop-v001' } });
    expect(missingApp.error?.issues.map((issue) => issue.path.join('.'))).toContain('cluster.application');
  });
});
