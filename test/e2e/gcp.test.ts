import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGcp, type FakeGcp } from '../fakes/gcp';
import { SUCCEEDED, auditEvents, bakeThenDeploy, liveServerGroups, outcomeOf, regionDeployStage, savedPipeline } from '../support/cloudStages';
import { eventually } from '../support/eventually';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { GCP_REGION, backendsOf, gcpAccount, seedGcp } from '../support/gcp';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { testRegistry } from '../support/serverGroups';

/**
 * Pipelines through the REST API and the worker, with the GCP provider's real
 * @google-cloud/compute clients against the fake Compute API: what a user of a GCP project would see.
 */

// One queue backend is enough here: these tests are about stages and providers, and the engine
// suites already cover both backends.
const backend = QUEUE_BACKENDS[0] ?? 'redis';
const BACKEND_SERVICE = 'shop-web-bs';
const BASE_IMAGE = 'debian-base';
const where = { account: 'gcp', region: GCP_REGION };
const settings = { backendService: BACKEND_SERVICE, namedPorts: { http: 8080 }, tags: ['http-server'] };


describe(`GCP end to end (fake Compute API, real client, ${backend} queue)`, () => {
  let fake: FakeGcp;
  let gantry: TestGantry;

  beforeAll(async () => {
    fake = await startFakeGcp({ readyDelayMs: 100, operationDelayMs: 20 });
    const account = gcpAccount(fake);
    // The load balancer's backend service and the bakes' base image exist before Gantry runs.
    await seedGcp(account, { backendServices: [BACKEND_SERVICE], images: [BASE_IMAGE] });
    gantry = await startTestGantry({ backend, providers: testRegistry([account]) });
  });
  afterEach(() => fake.clearFaults());
  afterAll(async () => {
    await gantry?.stop();
    await fake?.close();
  });

  const ofCluster = (cluster: string) => (name: string) => new RegExp(`^${cluster}-v\\d{3}$`).test(name);
  const migsOf = (cluster: string) => fake.instanceGroupManagers(GCP_REGION).map((mig) => String(mig.name)).filter(ofCluster(cluster)).sort();
  // Instance templates are `<server group>-<8 hex of their content>`.
  const templatesOf = (cluster: string) => fake.instanceTemplates().map((template) => String(template.name).replace(/-[0-9a-f]{8}$/, '')).filter(ofCluster(cluster)).sort();

  it('deploys v000, then v001 with highlander: one managed instance group and template left, the backend service serving it, v000 destroyed', async () => {
    const deploy = await savedPipeline(gantry, 'shop', [regionDeployStage(where, 'shop', 'web', BASE_IMAGE, settings)]);

    const first = await deploy();
    expect(outcomeOf(first)).toEqual(SUCCEEDED);
    expect(stageOf(first, 'deploy').outputs).toMatchObject({ serverGroupName: 'shop-web-v000', previousServerGroup: null, account: 'gcp', location: GCP_REGION });
    expect(backendsOf(fake, BACKEND_SERVICE)).toEqual({ 'shop-web-v000': 1 });

    const second = await deploy();
    expect(outcomeOf(second)).toEqual(SUCCEEDED);
    expect(stageOf(second, 'deploy').outputs).toMatchObject({
      serverGroupName: 'shop-web-v001',
      previousServerGroup: 'shop-web-v000',
      image: BASE_IMAGE,
      'deploy.server.groups': { [GCP_REGION]: ['shop-web-v001'] },
      disabledServerGroups: ['shop-web-v000'],
      destroyedServerGroups: ['shop-web-v000'],
    });

    await eventually(async () => (migsOf('shop-web').length === 1 && templatesOf('shop-web').length === 1 ? true : undefined), 10_000);
    expect(migsOf('shop-web')).toEqual(['shop-web-v001']);
    expect(templatesOf('shop-web')).toEqual(['shop-web-v001']);
    // The backend service sends traffic to v001's instance group only, at full capacity.
    expect(backendsOf(fake, BACKEND_SERVICE)).toEqual({ 'shop-web-v001': 1 });
    expect(await liveServerGroups(gantry, where, 'shop', 'shop-web')).toEqual([
      expect.objectContaining({ name: 'shop-web-v001', enabled: true, health: { desired: 2, up: 2, down: 0, unknown: 0 } }),
    ]);
  });

  it('bakes an image then deploys it; the same bake inputs again reuse the image (no new image)', async () => {
    const run = await savedPipeline(gantry, 'shop', bakeThenDeploy(where, { package: 'shop', baseImage: BASE_IMAGE }, 'shop', 'baked', settings));

    const first = await run({ version: '1.0.0' });
    expect(outcomeOf(first)).toEqual(SUCCEEDED);
    const baked = stageOf(first, 'bake').outputs as { imageId: string };
    expect(baked).toMatchObject({
      imageId: expect.any(String),
      reused: false,
      regions: { [GCP_REGION]: baked.imageId },
      deploymentDetails: [expect.objectContaining({ imageId: baked.imageId, region: GCP_REGION, package: 'shop', cloudProviderType: 'gcp' })],
    });
    expect(fake.images().find((image) => image.name === baked.imageId)).toMatchObject({ status: 'READY', labels: expect.objectContaining({ package: 'shop', version: '1-0-0' }) });
    expect(stageOf(first, 'deploy').outputs).toMatchObject({ serverGroupName: 'shop-baked-v000', image: baked.imageId });
    // The group's instance template boots the baked image.
    const template = fake.instanceTemplates().find((candidate) => String(candidate.name).startsWith('shop-baked-v000-'));
    expect(JSON.stringify(template?.properties)).toContain(`/global/images/${baked.imageId}`);

    const imagesBefore = fake.images().length;
    const second = await run({ version: '1.0.0' });
    expect(outcomeOf(second)).toEqual(SUCCEEDED);
    expect(stageOf(second, 'bake').outputs).toMatchObject({ imageId: baked.imageId, reused: true });
    expect(fake.images().length - imagesBefore).toBe(0);
    expect(stageOf(second, 'deploy').outputs).toMatchObject({ serverGroupName: 'shop-baked-v001', image: baked.imageId, destroyedServerGroups: ['shop-baked-v000'] });
  });

  it('succeeds with 30 % of the calls throttled; the audit trail records the retries of throttled gcp calls', async () => {
    const deploy = await savedPipeline(gantry, 'shop', [regionDeployStage(where, 'shop', 'throttled', BASE_IMAGE, settings)]);
    fake.setThrottleRate(0.3);
    const execution = await deploy();
    fake.setThrottleRate(0);

    expect(outcomeOf(execution)).toEqual(SUCCEEDED);
    const retries = (await auditEvents(gantry, execution.id)).filter((event) => event.type === 'PROVIDER_RETRY');
    expect(retries.length).toBeGreaterThan(0);
    expect(retries[0]?.data).toMatchObject({ provider: 'gcp', kind: 'Throttled', operation: expect.any(String), attempt: expect.any(Number), delayMs: expect.any(Number) });
    expect(migsOf('shop-throttled')).toEqual(['shop-throttled-v000']);
  });

  it('fails the stage with provider/operation/resource: message when GCE denies the create of the group; no group is made', async () => {
    const deploy = await savedPipeline(gantry, 'shop', [regionDeployStage(where, 'shop', 'denied', BASE_IMAGE, settings)]);
    fake.injectFault({
      method: 'POST',
      pathPattern: /\/regions\/[a-z0-9-]+\/instanceGroupManagers$/,
      status: 403,
      times: 1,
      reason: 'forbidden',
      message: "Required 'compute.instanceGroupManagers.create' permission for 'projects/gantry-test/regions/us-central1/instanceGroupManagers/shop-denied-v000'",
    });
    const failed = await deploy();
    expect(failed.status).toBe('TERMINAL');
    expect(stageOf(failed, 'deploy').error).toMatchObject({
      task: 'createServerGroup',
      message: expect.stringMatching(/^gcp\/createServerGroup\/shop-denied-v000: .*compute\.instanceGroupManagers\.create/),
    });
    expect(migsOf('shop-denied')).toEqual([]);
  });

  /** Orca's GCE cloneServerGroup as Deck writes it: the source exact, the overrides flat on the stage. */
  const cloneStage = (stack: string, extra: Record<string, unknown>) => ({
    refId: 'clone',
    type: 'cloneServerGroup',
    cloudProvider: 'gce',
    application: 'shop',
    stack,
    credentials: 'gcp',
    region: GCP_REGION,
    source: { account: 'gcp', region: GCP_REGION, serverGroupName: `shop-${stack}-v000` },
    settings,
    waitForUpTimeoutSec: 30,
    ...extra,
  });
  const templateOf = (group: string) => fake.instanceTemplates().find((template) => String(template.name).replace(/-[0-9a-f]{8}$/, '') === group) as { properties?: { machineType?: string; disks?: { initializeParams?: { sourceImage?: string } }[] } } | undefined;

  it('clones a group with capacity, image and instance type overrides: the new managed instance group and its template carry them', async () => {
    await seedGcp(gcpAccount(fake), { images: ['debian-next'] });
    const source = await savedPipeline(gantry, 'shop', [regionDeployStage(where, 'shop', 'copy', BASE_IMAGE, { ...settings, instanceType: 'e2-small' })]);
    expect(outcomeOf(await source())).toEqual(SUCCEEDED);

    const cloned = await (await savedPipeline(gantry, 'shop', [cloneStage('copy', { image: 'debian-next', instanceType: 'n2-standard-2', capacity: { min: 1, max: 3, desired: 3 } })]))();
    expect(outcomeOf(cloned)).toEqual(SUCCEEDED);
    expect(stageOf(cloned, 'clone').outputs).toMatchObject({ serverGroupName: 'shop-copy-v001', cloneSource: { serverGroupName: 'shop-copy-v000', image: BASE_IMAGE, capacity: { desired: 2 } }, image: 'debian-next' });
    expect(fake.instanceGroupManagers(GCP_REGION).find((mig) => mig.name === 'shop-copy-v001')).toMatchObject({ targetSize: 3 });
    expect(templateOf('shop-copy-v000')?.properties?.machineType).toMatch(/(^|\/)e2-small$/);
    const template = templateOf('shop-copy-v001')?.properties;
    expect(template?.machineType).toMatch(/(^|\/)n2-standard-2$/);
    expect(template?.disks?.[0]?.initializeParams?.sourceImage).toMatch(/\/images\/debian-next$/);
    expect(await liveServerGroups(gantry, where, 'shop', 'shop-copy')).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'shop-copy-v001', image: 'debian-next', capacity: { min: 1, max: 3, desired: 3 } })]),
    );
  });

  it('a clone whose instances never get healthy leaves no managed instance group or template behind; the source stays', async () => {
    const source = await savedPipeline(gantry, 'shop', [regionDeployStage(where, 'shop', 'broken', BASE_IMAGE, settings)]);
    expect(outcomeOf(await source())).toEqual(SUCCEEDED);
    fake.failInstances((group) => group.name === 'shop-broken-v001');
    const failed = await (await savedPipeline(gantry, 'shop', [cloneStage('broken', { waitForUpTimeoutSec: 3 })]))();
    expect(failed.status).toBe('TERMINAL');
    expect(stageOf(failed, 'clone').outputs).toMatchObject({ serverGroupName: 'shop-broken-v001', cloneCleanup: 'destroyed shop-broken-v001' });
    expect(migsOf('shop-broken')).toEqual(['shop-broken-v000']);
    expect(templatesOf('shop-broken')).toEqual(['shop-broken-v000']);
  });
});
