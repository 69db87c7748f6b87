/** Images (bake output) through the real ImagesClient: families, labels, label filters. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGcp, type FakeGcp } from './server';
import { clientsFor, closeClients, gceError, untilDone, type Clients } from './testSupport';

let fake: FakeGcp;
let gce: Clients;
const project = 'gantry-test';
const base = 'projects/debian-cloud/global/images/family/debian-12';

beforeAll(async () => {
  fake = await startFakeGcp({ operationDelayMs: 10 });
  gce = clientsFor(fake);
});

afterAll(async () => {
  await closeClients(gce);
  await fake.close();
});

async function bake(name: string, labels: Record<string, string>, family = 'checkout') {
  return untilDone(gce, gce.images.insert({ project, imageResource: { name, family, sourceImage: base, labels } }));
}

describe('images', () => {
  it('insert is PENDING until its operation is DONE, then READY with its family and labels', async () => {
    fake.setOperationDelay(60_000);
    const [started] = await gce.images.insert({ project, imageResource: { name: 'checkout-1-0-0', family: 'checkout', sourceImage: base, labels: { package: 'checkout', version: '1-0-0' } } });
    const [pending] = await gce.images.get({ project, image: 'checkout-1-0-0' });
    expect(pending.status).toBe('PENDING');
    fake.setOperationDelay(0);
    const operation = started.latestResponse as { name: string };
    await gce.globalOperations.wait({ project, operation: operation.name });
    const [image] = await gce.images.get({ project, image: 'checkout-1-0-0' });
    expect(image).toMatchObject({ kind: 'compute#image', status: 'READY', family: 'checkout', sourceImage: base, labels: { package: 'checkout', version: '1-0-0' } });
    expect(image.labelFingerprint).toBeTruthy();
  });

  it('lists by label filters in both of GCE forms', async () => {
    await bake('checkout-1-1-0', { package: 'checkout', version: '1-1-0' });
    await bake('billing-1-1-0', { package: 'billing', version: '1-1-0' }, 'billing');
    const names = async (filter: string) => (await gce.images.list({ project, filter }))[0].map((i) => i.name);
    expect(await names('labels.package = "checkout" AND labels.version = "1-1-0"')).toEqual(['checkout-1-1-0']);
    expect(await names('(labels.package = checkout) (labels.version = 1-1-0)')).toEqual(['checkout-1-1-0']);
    expect(await names('(labels.package = checkout)')).toEqual(['checkout-1-0-0', 'checkout-1-1-0']);
    expect(await names('labels.version = "1-1-0" AND NOT labels.package = checkout')).toEqual(['billing-1-1-0']);
    expect(await names('labels.package = "nothing"')).toEqual([]);
    const invalid = await gceError(gce.images.list({ project, filter: 'labels.package = ' }));
    expect(invalid.code).toBe(400);
  });

  it('getFromFamily answers the newest image of the family that is not deprecated', async () => {
    const [newest] = await gce.images.getFromFamily({ project, family: 'checkout' });
    expect(newest.name).toBe('checkout-1-1-0');
    await untilDone(gce, gce.images.deprecate({ project, image: 'checkout-1-1-0', deprecationStatusResource: { state: 'DEPRECATED' } }));
    const [fallback] = await gce.images.getFromFamily({ project, family: 'checkout' });
    expect(fallback.name).toBe('checkout-1-0-0');
    const missing = await gceError(gce.images.getFromFamily({ project, family: 'nothing' }));
    expect(missing.error.message).toBe(`The resource 'projects/${project}/global/images/family/nothing' was not found`);
  });

  it('setLabels needs the current labelFingerprint (412 conditionNotMet otherwise)', async () => {
    const [image] = await gce.images.get({ project, image: 'checkout-1-0-0' });
    const request = (labelFingerprint: string | null | undefined) => gce.images.setLabels({
      project, resource: 'checkout-1-0-0', globalSetLabelsRequestResource: { labels: { package: 'checkout', version: '1-0-0', baked: 'yes' }, labelFingerprint },
    });
    await untilDone(gce, request(image.labelFingerprint));
    const [relabelled] = await gce.images.get({ project, image: 'checkout-1-0-0' });
    expect(relabelled.labels).toEqual({ package: 'checkout', version: '1-0-0', baked: 'yes' });
    const stale = await gceError(request(image.labelFingerprint));
    expect(stale.code).toBe(412);
    expect(stale.error.errors[0]?.reason).toBe('conditionNotMet');
  });

  it('validates names, labels and the source', async () => {
    const insert = (resource: Record<string, unknown>) => gceError(gce.images.insert({ project, imageResource: resource }));
    expect((await insert({ name: 'UPPER', sourceImage: base })).error.message).toContain("'resource.name'");
    expect((await insert({ name: 'ok-name', sourceImage: base, labels: { version: '1.0.0' } })).error.message).toContain("'resource.labels.version': '1.0.0'");
    expect((await insert({ name: 'ok-name', sourceImage: base, labels: { Version: '1' } })).error.message).toContain("'resource.labels.key': 'Version'");
    expect((await insert({ name: 'ok-name' })).error.message).toContain('resource.rawDisk.source');
    const rawDisk = await untilDone(gce, gce.images.insert({ project, imageResource: { name: 'from-tarball', rawDisk: { source: 'https://storage.googleapis.com/bucket/disk.tar.gz' } } }));
    expect(rawDisk.error).toBeUndefined();
    const missingSource = await untilDone(gce, gce.images.insert({ project, imageResource: { name: 'copy', sourceImage: `projects/${project}/global/images/nope` } }));
    expect(missingSource.error?.errors?.[0]?.code).toBe('RESOURCE_NOT_FOUND');
  });

  it('delete removes the image', async () => {
    await untilDone(gce, gce.images.delete({ project, image: 'billing-1-1-0' }));
    expect((await gceError(gce.images.get({ project, image: 'billing-1-1-0' }))).code).toBe(404);
    expect(fake.images().map((i) => i.name)).not.toContain('billing-1-1-0');
  });
});
