import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGcp, type FakeGcp } from '../../../../test/fakes/gcp';
import { eventually } from '../../../../test/support/eventually';
import { backendsOf, seedGcp } from '../../../../test/support/gcp';
import { parseAccounts } from '../accounts';
import type { GcpAccountConfig } from './account';
import type { CloudProvider, ServerGroupRef, ServerGroupSpec } from '../CloudProvider';
import { isProviderError, type ProviderError } from '../errors';
import { ProviderRegistry } from '../ProviderRegistry';
import type { RetryOptions } from '../retry';
import { UrlMapsClient } from '@google-cloud/compute';
import { GceClient } from './client';
import { clientOptions } from './connection';
import { GcpProvider } from './GcpProvider';
import { nameOf } from './names';

/**
 * The provider through the registry (so with its retrying wrapper) and the real
 * @google-cloud/compute client, against the stateful fake Compute API.
 */

const REGION = 'us-central1';
const BACKEND_SERVICE = 'web-backend';
const BASE_IMAGE = 'debian-base';

let fake: FakeGcp;
let waits: number[];
let registry: ProviderRegistry;
let account: GcpAccountConfig;
let serial = 0;

function accountsYaml(url: string): string {
  return `
accounts:
  - name: gcp-test
    provider: gcp
    project: gantry-test
    regions:
      - name: ${REGION}
        zones: [${REGION}-a, ${REGION}-b]
      - europe-west1
    endpoint: ${url}
    defaultMachineType: e2-small
  - name: gcp-down
    provider: gcp
    project: gantry-test
    regions: [${REGION}]
    endpoint: http://127.0.0.1:1
`;
}

beforeAll(async () => {
  fake = await startFakeGcp({ readyDelayMs: 100 });
  waits = [];
  const retry: RetryOptions = {
    attempts: 6,
    baseDelayMs: 5,
    maxDelayMs: 50,
    sleep: async (ms) => {
      waits.push(ms);
    },
  };
  const accounts = parseAccounts(accountsYaml(fake.url), 'accounts.yaml');
  account = accounts[0] as GcpAccountConfig;
  registry = new ProviderRegistry(accounts, {}, { retry, env: {} });
  // The load balancer's backend service and the bake's base image exist before Gantry runs.
  await seedGcp(account, { backendServices: [BACKEND_SERVICE], images: [BASE_IMAGE] });
});

afterAll(async () => {
  await fake?.close();
});

beforeEach(() => {
  fake.clearFaults();
  fake.failInstances(null);
  fake.failBuilders(null);
  waits.length = 0;
});

function provider(name = 'gcp-test'): CloudProvider {
  return registry.forAccount(name).provider;
}

/** A fresh cluster per test, so tests share the fake without seeing each other's groups. */
function newCluster() {
  const application = `app${++serial}`;
  const cluster = `${application}-prod`;
  const group = (sequence: number, overrides: Partial<ServerGroupSpec> = {}): ServerGroupSpec => ({
    account: 'gcp-test',
    location: REGION,
    application,
    cluster,
    name: `${cluster}-v${String(sequence).padStart(3, '0')}`,
    image: `${application}-1-0-${sequence}`,
    capacity: { min: 1, max: 4, desired: 2 },
    settings: { backendService: BACKEND_SERVICE, tags: ['http-server'], namedPorts: { http: 8080 }, startupScript: '#!/bin/sh\necho hi' },
    ...overrides,
  });
  const clusterRef = { account: 'gcp-test', location: REGION, application, cluster };
  return { application, cluster, group, clusterRef };
}

function refOf(spec: ServerGroupSpec): ServerGroupRef {
  return { account: spec.account, location: REGION, name: spec.name };
}

/** Polls `read` until `done` accepts its value. */
function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  return eventually(async () => {
    const value = await read();
    return done(value) ? value : undefined;
  }, 10_000);
}

async function failure(call: Promise<unknown>): Promise<ProviderError> {
  const error = await call.then(() => undefined, (caught: unknown) => caught);
  if (!isProviderError(error)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

/** The backends of the fake's backend service: instance group name → capacityScaler. */
function backends(): Record<string, number> {
  return backendsOf(fake, BACKEND_SERVICE);
}

function templatesOf(serverGroup: string) {
  return fake.instanceTemplates().filter((template) => String(template.name).startsWith(`${serverGroup}-`));
}

describe('GcpProvider against the fake Compute API', () => {
  it('creates a server group idempotently: one template named by its content, one regional MIG', async () => {
    const { cluster, group } = newCluster();
    const spec = group(1);
    const first = await provider().createServerGroup(spec);
    const second = await provider().createServerGroup(spec);

    expect(second.details?.instanceGroupManager).toBe(first.details?.instanceGroupManager);
    expect(first).toMatchObject({ account: 'gcp-test', location: REGION, cluster, name: spec.name, sequence: 1, image: spec.image, enabled: false, capacity: { min: 1, max: 4, desired: 2 } });
    const templates = templatesOf(spec.name);
    expect(templates).toHaveLength(1);
    const template = templates[0]!;
    expect(String(template.name)).toMatch(new RegExp(`^${spec.name}-[0-9a-f]{8}$`));
    expect(template.properties).toMatchObject({
      machineType: 'e2-small',
      labels: { 'gantry-application': spec.application, 'gantry-cluster': cluster, 'gantry-server-group': spec.name, 'gantry-managed-by': 'gantry' },
      tags: { items: ['http-server'] },
      disks: [{ boot: true, initializeParams: { sourceImage: `projects/gantry-test/global/images/${spec.image}` } }],
    });
    const metadata = (template.properties as { metadata: { items: { key: string; value: string }[] } }).metadata.items;
    expect(metadata).toEqual(expect.arrayContaining([{ key: 'startup-script', value: '#!/bin/sh\necho hi' }, { key: 'backend-service-names', value: BACKEND_SERVICE }]));

    const migs = fake.instanceGroupManagers(REGION).filter((mig) => String(mig.name).startsWith(cluster));
    expect(migs).toHaveLength(1);
    expect(migs[0]).toMatchObject({ name: spec.name, targetSize: 2, baseInstanceName: spec.name, namedPorts: [{ name: 'http', port: 8080 }] });
    expect(nameOf(String(migs[0]!.instanceTemplate))).toBe(template.name);
    const zones = (migs[0]!.distributionPolicy as { zones: { zone: string }[] }).zones.map((zone) => nameOf(zone.zone));
    expect(zones).toEqual([`${REGION}-a`, `${REGION}-b`]);
    expect(await provider().listServerGroups(newCluster().clusterRef)).toEqual([]);
  });

  it('refuses to adopt a group of the same name made with another image', async () => {
    const { group } = newCluster();
    await provider().createServerGroup(group(1));
    const error = await failure(provider().createServerGroup(group(1, { image: 'other-image' })));
    expect(error.kind).toBe('Conflict');
    expect(error.reason).toContain('already exists with instance template');
    expect(templatesOf(group(1).name)).toHaveLength(1);
  });

  it('rejects bad settings and capacities by field name before calling the API', async () => {
    const { group } = newCluster();
    const before = fake.requests().length;
    const bad = await failure(provider().createServerGroup(group(1, { settings: { instanceTyp: 'e2-small' } })));
    expect(bad.kind).toBe('Fatal');
    expect(bad.reason).toContain('settings');
    expect(bad.reason).toContain('instanceTyp');
    const capacity = await failure(provider().createServerGroup(group(1, { capacity: { min: 3, max: 2, desired: 2 } })));
    expect(capacity.reason).toContain('min ≤ desired ≤ max');
    const noService = await failure(provider().createServerGroup(group(1, { enabled: true, settings: {} })));
    expect(noService.reason).toContain('settings.backendService');
    expect(fake.requests().length).toBe(before);
  });

  it('enables and disables through the backend service, and counts backend health when enabled', async () => {
    const { group, clusterRef } = newCluster();
    const spec = group(1);
    await provider().createServerGroup(spec);
    await until(() => provider().health(refOf(spec)), (health) => health.up === 2);
    expect(backends()[spec.name]).toBeUndefined();

    await provider().enable(refOf(spec));
    expect(backends()[spec.name]).toBe(1);
    expect((await provider().getServerGroup(refOf(spec)))?.enabled).toBe(true);
    expect(await provider().health(refOf(spec))).toEqual({ desired: 2, up: 2, down: 0, unknown: 0 });
    await provider().enable(refOf(spec));
    expect(backends()[spec.name]).toBe(1);

    await provider().disable(refOf(spec));
    expect(backends()[spec.name]).toBeUndefined();
    const [listed] = await provider().listServerGroups(clusterRef);
    expect(listed).toMatchObject({ name: spec.name, enabled: false });
    await provider().disable(refOf(spec));
  });

  it('a group created enabled takes traffic at once', async () => {
    const { group } = newCluster();
    const spec = group(1, { enabled: true });
    const created = await provider().createServerGroup(spec);
    expect(created.enabled).toBe(true);
    expect(backends()[spec.name]).toBe(1);
    await provider().disable(refOf(spec));
  });

  it('sets weights as capacity scalers relative to the heaviest group; weight 0 leaves the service', async () => {
    const { group, clusterRef } = newCluster();
    const [a, b] = [group(1), group(2)];
    await provider().createServerGroup(a);
    await provider().createServerGroup(b);

    await provider().setTrafficWeights(clusterRef, { [a.name]: 75, [b.name]: 25 });
    expect(backends()).toMatchObject({ [a.name]: 1, [b.name]: 0.3333 });
    await provider().setTrafficWeights(clusterRef, { [a.name]: 99, [b.name]: 1 });
    expect(backends()).toMatchObject({ [a.name]: 1, [b.name]: 0.1 });
    await provider().setTrafficWeights(clusterRef, { [b.name]: 100 });
    expect(backends()[a.name]).toBeUndefined();
    expect(backends()[b.name]).toBe(1);
    expect((await provider().listServerGroups(clusterRef)).map((g) => [g.name, g.enabled])).toEqual([
      [a.name, false],
      [b.name, true],
    ]);

    const bad = await failure(provider().setTrafficWeights(clusterRef, { [a.name]: 50, [b.name]: 40 }));
    expect(bad.kind).toBe('Fatal');
    expect(bad.reason).toContain('sum to 100');
    await provider().disable(refOf(b));
  });

  it('routes an A/B experiment through URL map route rules to the variant\'s own backend service; a re-run writes nothing; weights end it', async () => {
    const { group, cluster, clusterRef } = newCluster();
    const sharedName = `${cluster}-bs`;
    const otherName = `${cluster}-api`;
    await seedGcp(account, { backendServices: [sharedName, otherName] });
    const link = (name: string) => `https://www.googleapis.com/compute/v1/projects/${account.project}/global/backendServices/${name}`;
    const options = clientOptions(account, {});
    const gce = new GceClient(options, account.project, account.name);
    const urlMaps = new UrlMapsClient(options);
    try {
      const path = (name: string) => `global/backendServices/${name}`;
      await gce.mutate({ operation: 'seed', region: REGION }, () =>
        urlMaps.insert({
          project: account.project,
          urlMapResource: {
            name: cluster, defaultService: path(sharedName), hostRules: [{ hosts: ['*'], pathMatcher: 'web' }],
            pathMatchers: [{ name: 'web', defaultService: path(sharedName), routeRules: [{ priority: 5, matchRules: [{ prefixMatch: '/api/' }], service: path(otherName) }] }],
          },
        }),
      );
    } finally {
      await Promise.all([gce.close(), urlMaps.close()]);
    }
    const settings = { backendService: sharedName, urlMap: cluster };
    const [old, control, variant] = [group(1, { settings, enabled: true }), group(2, { settings, enabled: true }), group(3, { settings })];
    for (const spec of [old, control, variant]) await provider().createServerGroup(spec);
    const routing = {
      control: control.name,
      variant: variant.name,
      rules: [{ header: { name: 'X-Variant', equals: 'b' } }, { header: { name: 'X-Beta', regex: 'yes|1' } }, { cookie: { name: 'group', equals: 'beta' }, pathPrefix: '/shop' }],
    };
    await provider().setRequestRouting(clusterRef, routing);

    const ab = `${cluster}-ab`;
    expect(backendsOf(fake, ab)).toEqual({ [variant.name]: 1 });
    expect(backendsOf(fake, sharedName)).toEqual({ [control.name]: 1 });
    const map = () => fake.urlMaps().find((candidate) => candidate.name === cluster) as { fingerprint: string; pathMatchers: { routeRules: { priority: number; matchRules: unknown[] }[] }[] };
    const rules = () => map().pathMatchers[0]?.routeRules ?? [];
    expect(rules().map((rule) => rule.priority)).toEqual([5, 6]);
    expect(rules()[1]?.matchRules).toEqual([
      { prefixMatch: '/', headerMatches: [{ headerName: 'X-Variant', exactMatch: 'b' }] },
      { prefixMatch: '/', headerMatches: [{ headerName: 'X-Beta', regexMatch: 'yes|1' }] },
      { fullPathMatch: '/shop', headerMatches: [{ headerName: 'Cookie', regexMatch: '(?:.*;\\s*)?group=beta(?:;.*)?' }] },
      { prefixMatch: '/shop/', headerMatches: [{ headerName: 'Cookie', regexMatch: '(?:.*;\\s*)?group=beta(?:;.*)?' }] },
    ]);
    // Per request, as the load balancer would pick.
    const to = (path: string, headers: Record<string, string> = {}) => fake.routeUrlMap(cluster, { path, headers }).services;
    const only = (name: string) => [{ service: link(name), weight: 1 }];
    expect(to('/', { 'x-variant': 'b' })).toEqual(only(ab));
    expect(to('/', { 'X-Variant': 'a' })).toEqual(only(sharedName));
    expect(to('/', { 'X-Beta': '1' })).toEqual(only(ab));
    expect(to('/', { 'X-Beta': '12' })).toEqual(only(sharedName));
    expect(to('/shop/cart', { Cookie: 'a=1; group=beta' })).toEqual(only(ab));
    expect(to('/shop', { Cookie: 'group=beta; a=1' })).toEqual(only(ab));
    expect(to('/shopping', { Cookie: 'group=beta' })).toEqual(only(sharedName));
    expect(to('/shop', { Cookie: 'subgroup=beta' })).toEqual(only(sharedName));
    expect(to('/api/x', { 'X-Variant': 'b' })).toEqual(only(otherName));

    const fingerprints = () => [map().fingerprint, ...[ab, sharedName].map((name) => fake.backendServices().find((service) => service.name === name)?.fingerprint)];
    const before = fingerprints();
    const calls = fake.requests().length;
    await provider().setRequestRouting(clusterRef, routing);
    expect(fake.requests().slice(calls).filter((request) => request.method !== 'GET')).toEqual([]);
    expect(fingerprints()).toEqual(before);

    await provider().setRequestRouting(clusterRef, { ...routing, rules: [{ pathPrefix: '/beta/' }] });
    expect(rules().map((rule) => [rule.priority, rule.matchRules])).toEqual([
      [5, [{ prefixMatch: '/api/' }]],
      [6, [{ prefixMatch: '/beta/' }]],
    ]);

    await provider().setTrafficWeights(clusterRef, { [control.name]: 100 });
    expect(rules().map((rule) => rule.priority)).toEqual([5]);
    expect(fake.backendServices().some((service) => service.name === ab)).toBe(false);
    expect(backendsOf(fake, sharedName)).toEqual({ [control.name]: 1 });
    expect(to('/', { 'x-variant': 'b' })).toEqual(only(sharedName));

    // enable (and disable) end an experiment too.
    await provider().setRequestRouting(clusterRef, routing);
    await provider().enable(refOf(variant));
    expect(rules().map((rule) => rule.priority)).toEqual([5]);
    expect(fake.backendServices().some((service) => service.name === ab)).toBe(false);
    expect(backendsOf(fake, sharedName)).toEqual({ [control.name]: 1, [variant.name]: 1 });
    for (const spec of [old, control, variant]) await provider().disable(refOf(spec));
  });

  it('a stale fingerprint is a Conflict that the registry retries by reading again', async () => {
    const { group } = newCluster();
    const spec = group(1);
    await provider().createServerGroup(spec);
    fake.injectFault({ method: 'PUT', pathPattern: /\/global\/backendServices\//, status: 412, times: 1 });
    await provider().enable(refOf(spec));
    expect(backends()[spec.name]).toBe(1);
    expect(waits).toHaveLength(1);
    await provider().disable(refOf(spec));
  });

  it('resizes the target size and keeps min/max in the MIG description', async () => {
    const { group } = newCluster();
    const spec = group(1);
    await provider().createServerGroup(spec);
    await provider().resize(refOf(spec), { min: 2, max: 6, desired: 3 });
    const mig = fake.instanceGroupManagers(REGION).find((candidate) => candidate.name === spec.name);
    expect(mig?.targetSize).toBe(3);
    expect(JSON.parse(String(mig?.description))).toMatchObject({ gantry: { min: 2, max: 6 } });
    const group3 = await until(() => provider().getServerGroup(refOf(spec)), (seen) => seen?.health.up === 3);
    expect(group3?.capacity).toEqual({ min: 2, max: 6, desired: 3 });
    const invalid = await failure(provider().resize(refOf(spec), { min: 1, max: 2, desired: 5 }));
    expect(invalid.kind).toBe('Fatal');
  });

  it('instances failing their health checks are never up; down once the load balancer sees them', async () => {
    const { group } = newCluster();
    const spec = group(1);
    fake.failInstances((info) => info.name === spec.name);
    await provider().createServerGroup(spec);
    const verifying = async () => fake.managedInstances(REGION, spec.name).filter((instance) => instance.currentAction === 'VERIFYING').length;
    await until(verifying, (count) => count === 2);
    expect(await provider().health(refOf(spec))).toEqual({ desired: 2, up: 0, down: 0, unknown: 2 });
    await provider().enable(refOf(spec));
    expect(await provider().health(refOf(spec))).toEqual({ desired: 2, up: 0, down: 2, unknown: 0 });
    await provider().destroy(refOf(spec));
  });

  it('destroys an enabled group: leaves the backend service, deletes the MIG, then its template; destroying it again is done', async () => {
    const { group, clusterRef } = newCluster();
    const spec = group(1, { enabled: true });
    await provider().createServerGroup(spec);
    await provider().destroy(refOf(spec));
    expect(backends()[spec.name]).toBeUndefined();
    expect(fake.instanceGroupManagers(REGION).some((mig) => mig.name === spec.name)).toBe(false);
    expect(templatesOf(spec.name)).toEqual([]);
    expect(await provider().getServerGroup(refOf(spec))).toBeNull();
    expect(await provider().listServerGroups(clusterRef)).toEqual([]);
    await provider().destroy(refOf(spec));
    expect(await provider().getServerGroup(refOf(spec))).toBeNull();
  });

  it('bakes an image on a builder VM that installs the package and powers off, once, then reuses it', async () => {
    const request = { account: 'gcp-test', location: REGION, package: 'checkout', version: '1.2.3', baseImage: BASE_IMAGE };
    const builders = () => fake.instances().filter((instance) => (instance.labels as Record<string, string> | undefined)?.package === 'checkout');
    const started = await provider().bake(request);
    expect(started).toMatchObject({ reused: false, state: 'pending', name: expect.stringMatching(/^checkout-1-2-3-/) });
    const [builder] = builders();
    expect(builder).toMatchObject({ name: expect.stringMatching(/^gantry-bake-[0-9a-f]{16}$/), machineType: expect.stringMatching(/\/zones\/us-central1-a\/machineTypes\/e2-small$/) });
    const script = ((builder?.metadata as { items?: { key: string; value: string }[] }).items ?? []).find((item) => item.key === 'startup-script')?.value ?? '';
    expect(script).toContain(`apt-get install -y 'checkout'='1.2.3'`);
    expect(script.trimEnd().endsWith('shutdown -h now')).toBe(true);

    const done = await until(() => provider().bake(request), (image) => image.state === 'available');
    expect(done.id).toBe(started.name);
    const images = fake.images().filter((image) => image.family === 'checkout');
    expect(images).toHaveLength(1);
    expect(images[0]).toMatchObject({ name: done.id, status: 'READY', labels: { package: 'checkout', version: '1-2-3' }, sourceDisk: expect.stringMatching(new RegExp(`/disks/${String(builder?.name)}$`)) });
    expect((images[0]!.labels as Record<string, string>)['gantry-bake-key']).toMatch(/^[0-9a-f]{32}$/);
    // A finished bake leaves no builder behind.
    expect(builders()).toEqual([]);

    const again = await provider().bake(request);
    expect(again).toMatchObject({ id: done.id, reused: true, state: 'available' });
    expect(fake.images().filter((image) => image.family === 'checkout')).toHaveLength(1);
    expect(builders()).toEqual([]);

    const other = await provider().bake({ ...request, version: '1.2.4' });
    expect(other).toMatchObject({ reused: false, state: 'pending' });
    expect(other.name).not.toBe(started.name);
  });

  it('takes no image of a builder whose install failed (it never powers off), and gives up on it after installTimeoutSec', async () => {
    const request = { account: 'gcp-test', location: REGION, package: 'broken', version: '1.0.0', baseImage: BASE_IMAGE, settings: { installTimeoutSec: 2 } };
    fake.failBuilders((instance) => instance.labels.package === 'broken');
    const builders = () => fake.instances().filter((instance) => (instance.labels as Record<string, string> | undefined)?.package === 'broken');
    let given: unknown;
    while (given === undefined) {
      const answer = await provider().bake(request).catch((error: unknown) => error);
      if (answer instanceof Error) given = answer;
      else expect(answer).toMatchObject({ state: 'pending', details: { builderState: expect.stringMatching(/^(PROVISIONING|STAGING|RUNNING)$/) } });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(given).toMatchObject({ kind: 'Fatal', message: expect.stringMatching(/builder gantry-bake-[0-9a-f]{16} did not finish installing within installTimeoutSec=2/) });
    expect(fake.images().filter((image) => image.family === 'broken')).toEqual([]);
    // It was deleted: the next bake of these inputs starts a new builder.
    await until(async () => builders(), (left) => left.length === 0);
  });

  it('fails a bake whose base image does not exist, and one without a base image', async () => {
    const missing = await failure(provider().bake({ account: 'gcp-test', package: 'checkout', version: '9', baseImage: 'no-such-image' }));
    expect(missing.kind).toBe('Fatal');
    expect(missing.reason).toContain('baseImage no-such-image does not exist');
    const none = await failure(provider().bake({ account: 'gcp-test', package: 'checkout', version: '9' }));
    expect(none.reason).toContain('baseImage is required');
  });

  it('retries throttled calls until a whole cycle succeeds', async () => {
    const { group } = newCluster();
    const spec = group(1);
    fake.setThrottleRate(0.3);
    await provider().createServerGroup(spec);
    await provider().enable(refOf(spec));
    await provider().resize(refOf(spec), { min: 1, max: 1, desired: 1 });
    await provider().destroy(refOf(spec));
    fake.setThrottleRate(0);
    expect(fake.instanceGroupManagers(REGION).some((mig) => mig.name === spec.name)).toBe(false);
    expect(templatesOf(spec.name)).toEqual([]);
  });

  it('a request throttled on every try fails Throttled after four tries', async () => {
    const unretried = new GcpProvider(account, { env: {} });
    const before = fake.requests().length;
    fake.setThrottleRate(1);
    const error = await failure(unretried.getServerGroup({ account: 'gcp-test', name: 'app-v001' }));
    fake.setThrottleRate(0);
    expect(error).toMatchObject({ kind: 'Throttled', status: 429, retryable: true });
    expect(error.reason).toMatch(/^rateLimitExceeded: /);
    expect(fake.requests().length - before).toBe(4);
  });

  it('an operation still running at the bound is Transient; the same call later converges on one group', async () => {
    const { group } = newCluster();
    const spec = group(1);
    const impatient = new GcpProvider(account, { env: {}, operationTimeoutMs: 300, operationPollMs: 50 });
    fake.setOperationDelay(3_000);
    try {
      const error = await failure(impatient.createServerGroup(spec));
      expect(error.kind).toBe('Transient');
      expect(error.reason).toMatch(/^operation \S+ still (PENDING|RUNNING) after 0.3 s; the call is safe to repeat$/);
    } finally {
      fake.setOperationDelay(20);
    }
    await provider().createServerGroup(spec);
    expect(fake.instanceGroupManagers(REGION).filter((mig) => mig.name === spec.name)).toHaveLength(1);
    expect(templatesOf(spec.name)).toHaveLength(1);
  });

  it('surfaces a failed operation with its kind and GCE error message', async () => {
    const gce = new GceClient(clientOptions(account, {}), account.project, account.name);
    const scope = { operation: 'createServerGroup', region: REGION, resource: { type: 'instanceGroupManager', name: 'orphan-v001' } };
    const error = await failure(
      gce.mutate(scope, (c) =>
        c.migs.insert({
          project: c.project,
          region: REGION,
          instanceGroupManagerResource: { name: 'orphan-v001', baseInstanceName: 'orphan-v001', targetSize: 1, instanceTemplate: 'global/instanceTemplates/no-such-template' },
        }, c.options),
      ),
    );
    await gce.close();
    expect(error.kind).toBe('NotFound');
    expect(error.message).toMatch(/^gcp\/createServerGroup\/orphan-v001: RESOURCE_NOT_FOUND: .*no-such-template.* \(account gcp-test, region us-central1, instanceGroupManager orphan-v001\)$/);
  });

  it('a missing group is null to get and a typed NotFound, worded with account and region, to act on', async () => {
    const ref = { account: 'gcp-test', location: REGION, name: `${newCluster().cluster}-v007` };
    expect(await provider().getServerGroup(ref)).toBeNull();
    const error = await failure(provider().resize(ref, { min: 1, max: 1, desired: 1 }));
    expect(error.kind).toBe('NotFound');
    expect(error.status).toBe(404);
    expect(error.message).toMatch(new RegExp(`^gcp/resize/${ref.name}: notFound: .* \\(account gcp-test, region ${REGION}, instanceGroupManager ${ref.name}\\)$`));
    for (const act of [() => provider().enable(ref), () => provider().health(ref)]) expect((await failure(act())).kind).toBe('NotFound');
  });

  it('refuses regions the account does not list, and calls routed to another account', async () => {
    const wrongRegion = await failure(provider().getServerGroup({ account: 'gcp-test', location: 'asia-east1', name: 'app-v001' }));
    expect(wrongRegion.reason).toContain('not one of the account');
    const wrongAccount = await failure(new GcpProvider(account, { env: {} }).getServerGroup({ account: 'other', name: 'app-v001' }));
    expect(wrongAccount.kind).toBe('Fatal');
  });

  it('an unreachable API is Transient; unusable credentials are Fatal', async () => {
    const down = new GcpProvider(registry.forAccount('gcp-down').account as GcpAccountConfig, { env: {} });
    const error = await failure(down.getServerGroup({ account: 'gcp-down', name: 'app-v001' }));
    expect(error.kind).toBe('Transient');
    expect(error.reason).toContain('ECONNREFUSED');
    const keyless = { ...account, endpoint: undefined, credentials: { env: 'GCP_KEY' } } as GcpAccountConfig;
    expect(() => new GcpProvider(keyless, { env: {} })).toThrow(/gcp\/connect: credentials.env: environment variable GCP_KEY is not set/);
    expect(() => new GcpProvider(keyless, { env: { GCP_KEY: '{"x":1}' } })).toThrow(/not a service account key/);
  });
});
