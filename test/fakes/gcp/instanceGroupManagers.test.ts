/** Regional managed instance groups and their instances through RegionInstanceGroupManagersClient. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGcp, type FakeGcp } from './server';
import { clientsFor, closeClients, eventually, gceError, REGION, templateBody, untilDone, type Clients } from './testSupport';

let fake: FakeGcp;
let gce: Clients;
const project = 'gantry-test';
const region = REGION;
const templateLink = (name: string) => `https://www.googleapis.com/compute/v1/projects/${project}/global/instanceTemplates/${name}`;

beforeAll(async () => {
  fake = await startFakeGcp({ readyDelayMs: 60, operationDelayMs: 10 });
  gce = clientsFor(fake);
  for (const name of ['app-v001', 'app-v002']) await untilDone(gce, gce.templates.insert({ project, instanceTemplateResource: templateBody(name) }));
});

afterEach(() => {
  fake.setReadyDelay(60);
});

afterAll(async () => {
  await closeClients(gce);
  await fake.close();
});

async function createGroup(name: string, targetSize: number, template = 'app-v001'): Promise<void> {
  const done = await untilDone(gce, gce.migs.insert({
    project,
    region,
    instanceGroupManagerResource: {
      name,
      baseInstanceName: name,
      instanceTemplate: `global/instanceTemplates/${template}`,
      targetSize,
      distributionPolicy: { zones: [{ zone: `zones/${region}-a` }, { zone: `zones/${region}-b` }] },
      namedPorts: [{ name: 'http', port: 8080 }],
    },
  }));
  expect(done.error).toBeUndefined();
}

async function managed(name: string) {
  const [instances] = await gce.migs.listManagedInstances({ project, region, instanceGroupManager: name });
  return instances;
}

describe('regional managed instance groups', () => {
  it('brings targetSize instances from CREATING to RUNNING with currentAction NONE, spread over the zones', async () => {
    // Long enough that the first look surely sees them starting, even on a busy machine.
    fake.setReadyDelay(1500);
    await createGroup('web-v001', 4);
    const [group] = await gce.migs.get({ project, region, instanceGroupManager: 'web-v001' });
    expect(group).toMatchObject({
      kind: 'compute#instanceGroupManager',
      name: 'web-v001',
      targetSize: 4,
      instanceTemplate: templateLink('app-v001'),
      region: `https://www.googleapis.com/compute/v1/projects/${project}/regions/${region}`,
      instanceGroup: `https://www.googleapis.com/compute/v1/projects/${project}/regions/${region}/instanceGroups/web-v001`,
    });

    const starting = await managed('web-v001');
    expect(starting).toHaveLength(4);
    for (const instance of starting) {
      expect(['PROVISIONING', 'STAGING']).toContain(instance.instanceStatus);
      expect(instance.currentAction).toBe('CREATING');
      expect(instance.instance).toMatch(new RegExp(`/projects/${project}/zones/${region}-[ab]/instances/web-v001-[a-z0-9]{4}$`));
      expect(instance.version?.instanceTemplate).toBe(templateLink('app-v001'));
    }
    const zones = starting.map((i) => /zones\/([^/]+)/.exec(i.instance ?? '')?.[1]);
    expect(zones.filter((z) => z === `${region}-a`)).toHaveLength(2);
    expect(group.status?.isStable).toBe(false);

    const running = await eventually(async () => {
      const instances = await managed('web-v001');
      return instances.every((i) => i.instanceStatus === 'RUNNING' && i.currentAction === 'NONE') ? instances : undefined;
    });
    expect(running.map((i) => i.instance)).toEqual(starting.map((i) => i.instance));
    const [stable] = await gce.migs.get({ project, region, instanceGroupManager: 'web-v001' });
    expect(stable.status?.isStable).toBe(true);
    expect(stable.currentActions).toMatchObject({ none: 4, creating: 0, deleting: 0 });
  });

  it('resize adds and removes instances; removed ones are DELETING, then gone', async () => {
    fake.setReadyDelay(0);
    await createGroup('resize-v001', 1);
    await untilDone(gce, gce.migs.resize({ project, region, instanceGroupManager: 'resize-v001', size: 3 }));
    const [grown] = await gce.migs.get({ project, region, instanceGroupManager: 'resize-v001' });
    expect(grown.targetSize).toBe(3);
    expect(await managed('resize-v001')).toHaveLength(3);

    fake.setReadyDelay(2000);
    await untilDone(gce, gce.migs.resize({ project, region, instanceGroupManager: 'resize-v001', size: 1 }));
    const shrinking = await managed('resize-v001');
    expect(shrinking.filter((i) => i.currentAction === 'DELETING' && i.instanceStatus === 'STOPPING')).toHaveLength(2);
    await eventually(async () => ((await managed('resize-v001')).length === 1 ? true : undefined));
    expect(fake.managedInstances(region, 'resize-v001')).toHaveLength(1);
  });

  it('delete is DONE once the instances are gone; the group and its instance group then 404', async () => {
    await createGroup('del-v001', 2);
    const done = await untilDone(gce, gce.migs.delete({ project, region, instanceGroupManager: 'del-v001' }));
    expect(done).toMatchObject({ status: 'DONE', operationType: 'compute.regionInstanceGroupManagers.delete' });
    expect(fake.managedInstances(region, 'del-v001')).toEqual([]);
    expect((await gceError(gce.migs.get({ project, region, instanceGroupManager: 'del-v001' }))).error.message)
      .toBe(`The resource 'projects/${project}/regions/${region}/instanceGroupManagers/del-v001' was not found`);
    expect((await gceError(gce.instanceGroups.get({ project, region, instanceGroup: 'del-v001' }))).code).toBe(404);
  });

  it('an insert naming a missing template fails in its operation with RESOURCE_NOT_FOUND', async () => {
    const done = await untilDone(gce, gce.migs.insert({
      project,
      region,
      instanceGroupManagerResource: { name: 'orphan-v001', baseInstanceName: 'orphan', instanceTemplate: templateLink('missing'), targetSize: 1 },
    }));
    expect(done.status).toBe('DONE');
    expect(done.httpErrorStatusCode).toBe(404);
    expect(done.error?.errors?.[0]).toMatchObject({ code: 'RESOURCE_NOT_FOUND', message: `The resource 'projects/${project}/global/instanceTemplates/missing' was not found` });
    expect((await gceError(gce.migs.get({ project, region, instanceGroupManager: 'orphan-v001' }))).code).toBe(404);
  });

  it('a taken name is 409; bad fields are 400 naming them', async () => {
    await createGroup('taken-v001', 0);
    const insert = (resource: Record<string, unknown>) => gce.migs.insert({ project, region, instanceGroupManagerResource: resource });
    const base = { name: 'taken-v001', baseInstanceName: 'taken', instanceTemplate: templateLink('app-v001'), targetSize: 1 };
    expect((await gceError(insert(base))).error.status).toBe('ALREADY_EXISTS');
    expect((await gceError(insert({ ...base, name: 'other-v001', targetSize: undefined }))).error.message).toContain("'resource.targetSize'");
    expect((await gceError(insert({ ...base, name: 'other-v001', instanceTemplate: 'not a url' }))).error.message).toContain("'resource.instanceTemplate'");
    const wrongZone = await gceError(insert({ ...base, name: 'other-v001', distributionPolicy: { zones: [{ zone: 'zones/europe-west1-b' }] } }));
    expect(wrongZone.error.message).toContain("'resource.distributionPolicy.zones[0].zone'");
  });

  it('a template used by a group cannot be deleted (400 resourceInUseByAnotherResource)', async () => {
    await createGroup('uses-v001', 0, 'app-v002');
    const failure = await gceError(gce.templates.delete({ project, instanceTemplate: 'app-v002' }));
    expect(failure.code).toBe(400);
    expect(failure.error.errors[0]?.reason).toBe('resourceInUseByAnotherResource');
    expect(failure.error.message).toContain(`projects/${project}/regions/${region}/instanceGroupManagers/`);
  });

  it('setInstanceTemplate changes the template of new instances only', async () => {
    fake.setReadyDelay(0);
    await createGroup('roll-v001', 1);
    await untilDone(gce, gce.migs.setInstanceTemplate({
      project, region, instanceGroupManager: 'roll-v001', regionInstanceGroupManagersSetTemplateRequestResource: { instanceTemplate: templateLink('app-v002') },
    }));
    await untilDone(gce, gce.migs.resize({ project, region, instanceGroupManager: 'roll-v001', size: 2 }));
    const versions = (await managed('roll-v001')).map((i) => i.version?.instanceTemplate).sort();
    expect(versions).toEqual([templateLink('app-v001'), templateLink('app-v002')]);
    const [group] = await gce.migs.get({ project, region, instanceGroupManager: 'roll-v001' });
    expect(group.instanceTemplate).toBe(templateLink('app-v002'));
    expect(group.status?.versionTarget?.isReached).toBe(false);
  });

  it('patch changes targetSize and checks the fingerprint', async () => {
    fake.setReadyDelay(0);
    await createGroup('patch-v001', 1);
    const [group] = await gce.migs.get({ project, region, instanceGroupManager: 'patch-v001' });
    await untilDone(gce, gce.migs.patch({ project, region, instanceGroupManager: 'patch-v001', instanceGroupManagerResource: { targetSize: 2, fingerprint: group.fingerprint } }));
    expect(await managed('patch-v001')).toHaveLength(2);
    const stale = await gceError(gce.migs.patch({ project, region, instanceGroupManager: 'patch-v001', instanceGroupManagerResource: { targetSize: 3, fingerprint: group.fingerprint } }));
    expect(stale.code).toBe(412);
    expect(stale.error.errors[0]?.reason).toBe('conditionNotMet');
  });

  it('the regional instance group lists the instances and their states', async () => {
    fake.setReadyDelay(0);
    await createGroup('ig-v001', 2);
    const [group] = await gce.instanceGroups.get({ project, region, instanceGroup: 'ig-v001' });
    expect(group).toMatchObject({ kind: 'compute#instanceGroup', name: 'ig-v001', size: 2, namedPorts: [{ name: 'http', port: 8080 }] });
    const [instances] = await gce.instanceGroups.listInstances({
      project, region, instanceGroup: 'ig-v001', regionInstanceGroupsListInstancesRequestResource: { instanceState: 'RUNNING' },
    });
    expect(instances).toHaveLength(2);
    expect(instances.every((i) => i.status === 'RUNNING')).toBe(true);
    const [groups] = await gce.instanceGroups.list({ project, region, filter: 'name = ig-v001' });
    expect(groups.map((g) => g.name)).toEqual(['ig-v001']);
  });

  it('lists the groups of a region and serves the regional operations API', async () => {
    const [groups] = await gce.migs.list({ project, region });
    expect(groups.map((g) => g.name)).toContain('web-v001');
    const [others] = await gce.migs.list({ project, region: 'europe-west1' });
    expect(others).toEqual([]);
    const [operations] = await gce.regionOperations.list({ project, region });
    expect(operations.length).toBeGreaterThan(0);
    expect(operations.every((op) => op.region?.endsWith(`/regions/${region}`))).toBe(true);
  });
});
