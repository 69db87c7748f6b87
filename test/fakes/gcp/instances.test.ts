/**
 * Zonal instances (an image bake's builder VM), their boot disks, zonal operations, and images taken
 * from a builder's disk, through the real InstancesClient, DisksClient, ZoneOperationsClient and ImagesClient.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGcp, type FakeGcp } from './server';
import { clientsFor, closeClients, eventually, gceError, untilDone, ZONE, type Clients } from './testSupport';

let fake: FakeGcp;
let gce: Clients;
const project = 'gantry-test';
const zone = ZONE;
const base = 'projects/debian-cloud/global/images/family/debian-12';
const compute = `https://www.googleapis.com/compute/v1/projects/${project}`;
const instanceLink = (name: string) => `${compute}/zones/${zone}/instances/${name}`;
const diskLink = (name: string) => `${compute}/zones/${zone}/disks/${name}`;

beforeAll(async () => {
  fake = await startFakeGcp({ readyDelayMs: 60, operationDelayMs: 10 });
  gce = clientsFor(fake);
});

afterEach(() => {
  fake.setReadyDelay(60);
  fake.failBuilders(null);
});

afterAll(async () => {
  await closeClients(gce);
  await fake.close();
});

/** An install script whose last command (comments and blank lines aside) is `last`. */
function script(last: string): string {
  return ['#!/bin/sh', 'set -eu', 'apt-get install -y checkout=1.0.0', last, '# the end', '', ''].join('\n');
}

function builder(name: string, options: { script?: string; sourceImage?: string; labels?: Record<string, string>; autoDelete?: boolean } = {}) {
  return {
    name,
    machineType: `zones/${zone}/machineTypes/e2-small`,
    disks: [{ boot: true, autoDelete: options.autoDelete ?? true, type: 'PERSISTENT', initializeParams: { sourceImage: options.sourceImage ?? base } }],
    networkInterfaces: [{ network: `projects/${project}/global/networks/default` }],
    metadata: { items: [{ key: 'startup-script', value: options.script ?? script('shutdown -h now') }] },
    labels: options.labels ?? { role: 'builder' },
  };
}

async function launch(name: string, options?: Parameters<typeof builder>[1]) {
  const done = await untilDone(gce, gce.instances.insert({ project, zone, instanceResource: builder(name, options) }));
  expect(done.error).toBeUndefined();
}

async function instance(name: string) {
  return (await gce.instances.get({ project, zone, instance: name }))[0];
}

async function untilStatus(name: string, status: string) {
  return eventually(async () => {
    const found = await instance(name);
    return found.status === status ? found : undefined;
  });
}

describe('zonal instances', () => {
  it('insert answers a zonal operation DONE through zoneOperations.wait; the instance goes PROVISIONING, STAGING, RUNNING with its boot disk', async () => {
    // Long enough that polling surely sees each status, even on a busy machine.
    fake.setReadyDelay(1500);
    const [started] = await gce.instances.insert({ project, zone, instanceResource: builder('web-1', { script: script('systemctl start app') }) });
    const operation = started.latestResponse as { zone?: string; region?: string; name: string };
    expect(operation.zone).toBe(`${compute}/zones/${zone}`);
    expect(operation.region).toBeFalsy();
    const [done] = await gce.zoneOperations.wait({ project, zone, operation: operation.name });
    expect(done).toMatchObject({ status: 'DONE', operationType: 'insert', targetLink: instanceLink('web-1') });
    expect(done.error).toBeFalsy();

    const seen: string[] = [];
    await eventually(async () => {
      const status = (await instance('web-1')).status ?? '';
      if (seen[seen.length - 1] !== status) seen.push(status);
      return status === 'RUNNING' ? status : undefined;
    }, 10_000);
    expect(seen).toEqual(['PROVISIONING', 'STAGING', 'RUNNING']);

    const running = await instance('web-1');
    expect(running).toMatchObject({
      kind: 'compute#instance',
      name: 'web-1',
      zone: `${compute}/zones/${zone}`,
      machineType: `${compute}/zones/${zone}/machineTypes/e2-small`,
      selfLink: instanceLink('web-1'),
      labels: { role: 'builder' },
      metadata: { items: [{ key: 'startup-script', value: script('systemctl start app') }] },
    });
    expect(running.disks).toHaveLength(1);
    expect(running.disks?.[0]).toMatchObject({ boot: true, autoDelete: true, deviceName: 'persistent-disk-0', source: diskLink('web-1'), type: 'PERSISTENT', mode: 'READ_WRITE' });
    expect(running.networkInterfaces?.[0]).toMatchObject({ network: `${compute}/global/networks/default` });
    expect(running.networkInterfaces?.[0]?.networkIP).toMatch(/^10\.128\.\d+\.\d+$/);
    expect(running.fingerprint).toBeTruthy();
    expect(running.labelFingerprint).toBeTruthy();

    const [disk] = await gce.disks.get({ project, zone, disk: 'web-1' });
    expect(disk).toMatchObject({ kind: 'compute#disk', name: 'web-1', sizeGb: '10', status: 'READY', sourceImage: `https://www.googleapis.com/compute/v1/${base}`, users: [instanceLink('web-1')], selfLink: diskLink('web-1'), zone: `${compute}/zones/${zone}` });
    const [listed] = await gce.instances.list({ project, zone, filter: 'labels.role = builder AND status = RUNNING' });
    expect(listed.map((i) => i.name)).toContain('web-1');
    expect((await gce.disks.list({ project, zone }))[0].map((d) => d.name)).toContain('web-1');
    expect(fake.instances(zone).map((i) => i.name)).toContain('web-1');
    expect(fake.instances('europe-west1-b')).toEqual([]);
    const [operations] = await gce.zoneOperations.list({ project, zone });
    expect(operations.map((o) => o.name)).toContain(operation.name);
  });

  it('runs a startup script that ends by powering off: the builder reaches TERMINATED, and an image from its disk becomes READY', async () => {
    const forms = ['shutdown -h now', 'shutdown -P now', 'shutdown now', 'poweroff', 'halt -p'];
    for (const [index, last] of forms.entries()) await launch(`builder-${index}`, { script: script(last) });
    for (const index of forms.keys()) await untilStatus(`builder-${index}`, 'TERMINATED');

    const [stopped] = await gce.instances.list({ project, zone, filter: 'status = TERMINATED' });
    expect(stopped.map((i) => i.name)).toEqual(forms.map((_, index) => `builder-${index}`));

    const source = (await instance('builder-0')).disks?.[0]?.source ?? '';
    const [disk] = await gce.disks.get({ project, zone, disk: 'builder-0' });
    const fromUrl = await untilDone(gce, gce.images.insert({ project, imageResource: { name: 'checkout-1-0-0', family: 'checkout', sourceDisk: source, labels: { package: 'checkout' } } }));
    expect(fromUrl.error).toBeUndefined();
    const [image] = await gce.images.get({ project, image: 'checkout-1-0-0' });
    expect(image).toMatchObject({ status: 'READY', sourceDisk: diskLink('builder-0'), sourceDiskId: disk.id, sourceType: 'RAW', family: 'checkout' });

    const fromPath = await untilDone(gce, gce.images.insert({ project, imageResource: { name: 'checkout-1-0-1', sourceDisk: `zones/${zone}/disks/builder-1` } }));
    expect(fromPath.error).toBeUndefined();
    expect((await gce.images.get({ project, image: 'checkout-1-0-1' }))[0]).toMatchObject({ status: 'READY', sourceDisk: diskLink('builder-1') });
  });

  it('refuses an image from the disk of an instance not TERMINATED (resourceInUseByAnotherResource), unless forceCreate', async () => {
    await launch('app-1', { script: script('systemctl start app') });
    await untilStatus('app-1', 'RUNNING');
    const insert = (name: string, forceCreate?: boolean) => gce.images.insert({ project, forceCreate, imageResource: { name, sourceDisk: `zones/${zone}/disks/app-1` } });

    const refused = await gceError(insert('app-image'));
    expect(refused.code).toBe(400);
    expect(refused.error.errors[0]?.reason).toBe('resourceInUseByAnotherResource');
    expect(refused.error.message).toBe(`The disk resource 'projects/${project}/zones/${zone}/disks/app-1' is already being used by 'projects/${project}/zones/${zone}/instances/app-1'`);
    expect(fake.images().map((i) => i.name)).not.toContain('app-image');

    const forced = await untilDone(gce, insert('app-image', true));
    expect(forced.error).toBeUndefined();
    expect(fake.requests().some((r) => r.method === 'POST' && r.path.includes('/global/images?') && r.path.includes('forceCreate=true'))).toBe(true);
    expect((await gce.images.get({ project, image: 'app-image' }))[0]).toMatchObject({ status: 'READY', sourceDisk: diskLink('app-1') });

    const inUse = await gceError(gce.disks.delete({ project, zone, disk: 'app-1' }));
    expect(inUse.code).toBe(400);
    expect(inUse.error.errors[0]?.reason).toBe('resourceInUseByAnotherResource');
  });

  it('failBuilders: a matching builder never powers off and stays RUNNING, even once cleared; others power off', async () => {
    fake.failBuilders((i) => i.zone === zone && i.name.startsWith('broken') && i.labels.package === 'broken');
    await launch('broken-1', { labels: { package: 'broken' } });
    await launch('fine-1', { labels: { package: 'fine' } });
    // Launched later, fine-1 powers off after broken-1's script has reached its end.
    await untilStatus('fine-1', 'TERMINATED');
    expect((await instance('broken-1')).status).toBe('RUNNING');
    fake.failBuilders(null);
    expect((await instance('broken-1')).status).toBe('RUNNING');
  });

  it('delete: STOPPING until the operation is DONE, then 404; an autoDelete boot disk goes with it, another is detached and can be deleted', async () => {
    await launch('kept-1', { autoDelete: false, script: script('shutdown -r now') });
    await launch('gone-1');
    await untilStatus('gone-1', 'TERMINATED');
    // Launched first, kept-1 would have powered off by now: a reboot is not a power-off.
    expect((await instance('kept-1')).status).toBe('RUNNING');

    fake.setReadyDelay(60_000);
    const [started] = await gce.instances.delete({ project, zone, instance: 'kept-1' });
    const deleting = started.latestResponse as { name: string };
    expect((await instance('kept-1')).status).toBe('STOPPING');
    expect((await gce.zoneOperations.get({ project, zone, operation: deleting.name }))[0].status).not.toBe('DONE');
    fake.setReadyDelay(0);
    const [deleted] = await gce.zoneOperations.wait({ project, zone, operation: deleting.name });
    expect(deleted).toMatchObject({ status: 'DONE', operationType: 'delete', targetLink: instanceLink('kept-1') });
    expect((await gceError(instance('kept-1'))).code).toBe(404);
    const [kept] = await gce.disks.get({ project, zone, disk: 'kept-1' });
    expect(kept.users).toEqual([]);
    expect((await untilDone(gce, gce.disks.delete({ project, zone, disk: 'kept-1' }))).error).toBeUndefined();
    expect((await gceError(gce.disks.get({ project, zone, disk: 'kept-1' }))).code).toBe(404);

    expect((await untilDone(gce, gce.instances.delete({ project, zone, instance: 'gone-1' }))).error).toBeUndefined();
    const missing = await gceError(instance('gone-1'));
    expect(missing.code).toBe(404);
    expect(missing.error.message).toBe(`The resource 'projects/${project}/zones/${zone}/instances/gone-1' was not found`);
    expect((await gceError(gce.disks.get({ project, zone, disk: 'gone-1' }))).code).toBe(404);
    expect(fake.disks(zone).map((d) => d.name)).not.toContain('gone-1');
  });

  it('fails the insert operation when a source image of the project is missing, or the image source disk is', async () => {
    const noImage = await untilDone(gce, gce.instances.insert({ project, zone, instanceResource: builder('orphan-1', { sourceImage: `projects/${project}/global/images/nope` }) }));
    expect(noImage).toMatchObject({ status: 'DONE', httpErrorStatusCode: 404 });
    expect(noImage.error?.errors?.[0]).toMatchObject({ code: 'RESOURCE_NOT_FOUND', message: `The resource 'projects/${project}/global/images/nope' was not found` });
    expect((await gceError(instance('orphan-1'))).code).toBe(404);
    expect(fake.disks().map((d) => d.name)).not.toContain('orphan-1');

    const noDisk = await untilDone(gce, gce.images.insert({ project, imageResource: { name: 'orphan-image', sourceDisk: `zones/${zone}/disks/nope` } }));
    expect(noDisk.error?.errors?.[0]).toMatchObject({ code: 'RESOURCE_NOT_FOUND', message: `The resource 'projects/${project}/zones/${zone}/disks/nope' was not found` });
  });

  it("answers GCE's 400 for bad names and fields, 409 for an existing name, 404 for an unknown zone", async () => {
    const insert = (resource: Record<string, unknown>) => gceError(gce.instances.insert({ project, zone, instanceResource: { ...builder('ok-1'), ...resource } }));
    const badName = await insert({ name: 'Builder_1' });
    expect(badName.code).toBe(400);
    expect(badName.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(badName.error.errors[0]).toMatchObject({ reason: 'invalid', domain: 'global' });
    expect(badName.error.message).toContain("Invalid value for field 'resource.name': 'Builder_1'");
    expect((await insert({ machineType: undefined })).error.errors[0]).toMatchObject({ reason: 'required', message: "Required field 'resource.machineType' not specified" });
    expect((await insert({ machineType: 'zones/europe-west1-b/machineTypes/e2-small' })).error.message).toContain("'resource.machineType'");
    expect((await insert({ disks: [] })).error.message).toContain("'resource.disks'");
    expect((await insert({ disks: [{ boot: true, initializeParams: {} }] })).error.errors[0]?.reason).toBe('required');
    expect((await insert({ labels: { Role: 'x' } })).error.message).toContain("'resource.labels.key': 'Role'");
    expect((await insert({ metadata: { items: [{ key: 'bad key', value: 'x' }] } })).error.message).toContain("'resource.metadata.items[0].key'");

    await launch('taken-1', { script: script('systemctl start app') });
    const taken = await gceError(gce.instances.insert({ project, zone, instanceResource: builder('taken-1') }));
    expect(taken.code).toBe(409);
    expect(taken.error.errors[0]?.reason).toBe('alreadyExists');

    const unknownZone = await gceError(gce.instances.get({ project, zone: 'central', instance: 'taken-1' }));
    expect(unknownZone.code).toBe(404);
    expect(unknownZone.error.message).toBe(`The resource 'projects/${project}/zones/central' was not found`);
  });
});
