/** Backend services (global and regional) and backend health through the real clients. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGcp, type FakeGcp } from './server';
import { clientsFor, closeClients, eventually, gceError, REGION, templateBody, untilDone, type Clients } from './testSupport';

let fake: FakeGcp;
let gce: Clients;
const project = 'gantry-test';
const region = REGION;
const groupLink = (name: string) => `https://www.googleapis.com/compute/v1/projects/${project}/regions/${region}/instanceGroups/${name}`;

beforeAll(async () => {
  fake = await startFakeGcp({ readyDelayMs: 40, operationDelayMs: 10 });
  gce = clientsFor(fake);
  for (const template of ['good-v001', 'bad-v002']) {
    await untilDone(gce, gce.templates.insert({ project, instanceTemplateResource: templateBody(template, `global/images/${template}-image`) }));
  }
  for (const [name, template] of [['shop-v001', 'good-v001'], ['shop-v002', 'bad-v002'], ['spare-v003', 'good-v001']]) {
    await untilDone(gce, gce.migs.insert({
      project, region,
      instanceGroupManagerResource: { name, baseInstanceName: name, instanceTemplate: `global/instanceTemplates/${template}`, targetSize: 2 },
    }));
  }
});

afterAll(async () => {
  await closeClients(gce);
  await fake.close();
});

async function health(service: string, group: string) {
  const [answer] = await gce.backendServices.getHealth({ project, backendService: service, resourceGroupReferenceResource: { group: groupLink(group) } });
  return answer.healthStatus ?? [];
}

describe('backend services', () => {
  it('insert normalizes backends; getHealth is UNHEALTHY while starting, then HEALTHY', async () => {
    fake.setReadyDelay(1500);
    await untilDone(gce, gce.migs.resize({ project, region, instanceGroupManager: 'spare-v003', size: 3 }));
    await untilDone(gce, gce.backendServices.insert({
      project,
      backendServiceResource: { name: 'shop', backends: [{ group: `regions/${region}/instanceGroups/shop-v001` }, { group: groupLink('spare-v003'), capacityScaler: 0.5 }] },
    }));
    const [service] = await gce.backendServices.get({ project, backendService: 'shop' });
    expect(service.backends).toMatchObject([
      { group: groupLink('shop-v001'), balancingMode: 'UTILIZATION', capacityScaler: 1, maxUtilization: 0.8 },
      { group: groupLink('spare-v003'), balancingMode: 'UTILIZATION', capacityScaler: 0.5, maxUtilization: 0.8 },
    ]);
    expect(service.fingerprint).toBeTruthy();

    const starting = await health('shop', 'spare-v003');
    expect(starting).toHaveLength(3);
    expect(starting.filter((s) => s.healthState === 'UNHEALTHY').length).toBeGreaterThan(0);
    const healthy = await eventually(async () => {
      const states = await health('shop', 'spare-v003');
      return states.every((s) => s.healthState === 'HEALTHY') ? states : undefined;
    });
    for (const state of healthy) {
      expect(state.instance).toMatch(new RegExp(`/zones/${region}-[abc]/instances/spare-v003-[a-z0-9]{4}$`));
      expect(state.ipAddress).toMatch(/^10\.128\.\d+\.\d+$/);
    }
    fake.setReadyDelay(40);
  });

  it('failInstances keeps new instances of matching groups RUNNING but VERIFYING and UNHEALTHY until cleared', async () => {
    fake.failInstances((group) => group.image?.includes('bad-v002') === true);
    await untilDone(gce, gce.migs.insert({
      project, region,
      instanceGroupManagerResource: { name: 'shop-v004', baseInstanceName: 'shop-v004', instanceTemplate: 'global/instanceTemplates/bad-v002', targetSize: 2 },
    }));
    await untilDone(gce, gce.backendServices.patch({
      project, backendService: 'shop',
      backendServiceResource: { backends: [{ group: groupLink('shop-v001') }, { group: groupLink('shop-v002') }, { group: groupLink('shop-v004') }] },
    }));
    await eventually(async () => {
      const [instances] = await gce.migs.listManagedInstances({ project, region, instanceGroupManager: 'shop-v004' });
      return instances.every((i) => i.instanceStatus === 'RUNNING' && i.currentAction === 'VERIFYING') ? true : undefined;
    });
    expect((await health('shop', 'shop-v004')).map((s) => s.healthState)).toEqual(['UNHEALTHY', 'UNHEALTHY']);
    // shop-v002 uses the same template but its instances were healthy before: they stay so.
    expect((await health('shop', 'shop-v002')).map((s) => s.healthState)).toEqual(['HEALTHY', 'HEALTHY']);
    expect((await health('shop', 'shop-v001')).map((s) => s.healthState)).toEqual(['HEALTHY', 'HEALTHY']);
    const [group] = await gce.migs.get({ project, region, instanceGroupManager: 'shop-v004' });
    expect(group.currentActions?.verifying).toBe(2);
    expect(group.status?.isStable).toBe(false);

    fake.failInstances(null);
    await eventually(async () => ((await health('shop', 'shop-v004')).every((s) => s.healthState === 'HEALTHY') ? true : undefined));
  });

  it('getHealth of a group that is not a backend is 400', async () => {
    const failure = await gceError(health('shop', 'spare-v003'));
    expect(failure.code).toBe(400);
  });

  it('update and patch check the fingerprint: a stale one is 412 conditionNotMet', async () => {
    const [before] = await gce.backendServices.get({ project, backendService: 'shop' });
    await untilDone(gce, gce.backendServices.update({
      project, backendService: 'shop',
      backendServiceResource: { name: 'shop', fingerprint: before.fingerprint, backends: [{ group: groupLink('shop-v002'), capacityScaler: 1 }] },
    }));
    const [after] = await gce.backendServices.get({ project, backendService: 'shop' });
    expect(after.backends?.map((b) => b.group)).toEqual([groupLink('shop-v002')]);
    expect(after.fingerprint).not.toBe(before.fingerprint);
    const stale = await gceError(gce.backendServices.patch({ project, backendService: 'shop', backendServiceResource: { fingerprint: before.fingerprint, backends: [] } }));
    expect(stale.code).toBe(412);
    expect(stale.error).toMatchObject({ status: 'FAILED_PRECONDITION', errors: [{ reason: 'conditionNotMet' }] });
  });

  it('a group serving as a backend cannot have its manager deleted; a backend naming a missing group is 404', async () => {
    const inUse = await gceError(gce.migs.delete({ project, region, instanceGroupManager: 'shop-v002' }));
    expect(inUse.code).toBe(400);
    expect(inUse.error.errors[0]?.reason).toBe('resourceInUseByAnotherResource');
    expect(inUse.error.message).toBe(`The instance_group resource 'projects/${project}/regions/${region}/instanceGroups/shop-v002' is already being used by 'projects/${project}/global/backendServices/shop'`);
    const missing = await gceError(gce.backendServices.patch({ project, backendService: 'shop', backendServiceResource: { backends: [{ group: groupLink('nope') }] } }));
    expect(missing.code).toBe(404);
    const badScaler = await gceError(gce.backendServices.patch({ project, backendService: 'shop', backendServiceResource: { backends: [{ group: groupLink('shop-v001'), capacityScaler: 2 }] } }));
    expect(badScaler.error.message).toContain("'resource.backends[0].capacityScaler'");
  });

  it('regional backend services live in their region', async () => {
    const regional = gce.regionBackendServices;
    await untilDone(gce, regional.insert({
      project, region,
      backendServiceResource: { name: 'internal', loadBalancingScheme: 'INTERNAL_MANAGED', backends: [{ group: groupLink('shop-v001'), balancingMode: 'RATE', maxRatePerInstance: 100 }] },
    }));
    const [service] = await regional.get({ project, region, backendService: 'internal' });
    expect(service).toMatchObject({ name: 'internal', loadBalancingScheme: 'INTERNAL_MANAGED', region: `https://www.googleapis.com/compute/v1/projects/${project}/regions/${region}` });
    const [states] = await regional.getHealth({ project, region, backendService: 'internal', resourceGroupReferenceResource: { group: groupLink('shop-v001') } });
    expect(states.healthStatus).toHaveLength(2);
    const [globals] = await gce.backendServices.list({ project });
    expect(globals.map((s) => s.name)).toEqual(['shop']);
    expect(fake.backendServices(region).map((s) => s.name)).toEqual(['internal']);
    await untilDone(gce, regional.delete({ project, region, backendService: 'internal' }));
    expect((await gceError(regional.get({ project, region, backendService: 'internal' }))).code).toBe(404);
  });
});

describe('health checks', () => {
  it('insert, get, list and delete; one used by a backend service cannot be deleted', async () => {
    await untilDone(gce, gce.healthChecks.insert({ project, healthCheckResource: { name: 'http-8080', type: 'HTTP', httpHealthCheck: { port: 8080, requestPath: '/health' } } }));
    const [check] = await gce.healthChecks.get({ project, healthCheck: 'http-8080' });
    expect(check).toMatchObject({ kind: 'compute#healthCheck', type: 'HTTP', httpHealthCheck: { port: 8080, requestPath: '/health' }, checkIntervalSec: 5 });
    await untilDone(gce, gce.backendServices.patch({ project, backendService: 'shop', backendServiceResource: { healthChecks: [check.selfLink ?? ''] } }));
    expect((await gceError(gce.healthChecks.delete({ project, healthCheck: 'http-8080' }))).error.errors[0]?.reason).toBe('resourceInUseByAnotherResource');
    // An empty list is not sent by the client library (proto3 JSON omits it): clearing a list takes an update.
    const [service] = await gce.backendServices.get({ project, backendService: 'shop' });
    await untilDone(gce, gce.backendServices.update({ project, backendService: 'shop', backendServiceResource: { name: 'shop', backends: service.backends, healthChecks: [] } }));
    expect(fake.requests().filter((r) => r.method === 'PUT').at(-1)?.body).not.toContain('healthChecks');
    await untilDone(gce, gce.healthChecks.delete({ project, healthCheck: 'http-8080' }));
    const [checks] = await gce.healthChecks.list({ project });
    expect(checks).toEqual([]);
  });
});

describe('URL maps', () => {
  it('insert, patch with route rules (header and path matches, weighted services), route per request, refuse bad rules; a service in use stays', async () => {
    for (const name of ['web-control', 'web-variant']) await untilDone(gce, gce.backendServices.insert({ project, backendServiceResource: { name } }));
    const service = (name: string) => `https://www.googleapis.com/compute/v1/projects/${project}/global/backendServices/${name}`;
    await untilDone(gce, gce.urlMaps.insert({
      project,
      urlMapResource: { name: 'web', defaultService: 'global/backendServices/web-control', hostRules: [{ hosts: ['*'], pathMatcher: 'all' }], pathMatchers: [{ name: 'all', defaultService: 'global/backendServices/web-control' }] },
    }));
    const [map] = await gce.urlMaps.get({ project, urlMap: 'web' });
    expect(map).toMatchObject({ name: 'web', defaultService: service('web-control') });
    await untilDone(gce, gce.urlMaps.patch({
      project, urlMap: 'web',
      urlMapResource: {
        fingerprint: map.fingerprint,
        pathMatchers: [{
          name: 'all', defaultService: service('web-control'),
          routeRules: [
            { priority: 1, matchRules: [{ prefixMatch: '/', headerMatches: [{ headerName: 'X-Variant', exactMatch: 'b' }] }, { prefixMatch: '/shop/', headerMatches: [{ headerName: 'Cookie', regexMatch: '(.*;\\s*)?group=beta(;.*)?' }] }], service: 'global/backendServices/web-variant' },
            { priority: 2, matchRules: [{ prefixMatch: '/', headerMatches: [{ headerName: 'X-User', presentMatch: true }] }], routeAction: { weightedBackendServices: [{ backendService: service('web-control'), weight: 90 }, { backendService: service('web-variant'), weight: 10 }] } },
          ],
        }],
      },
    }));
    const to = (path: string, headers: Record<string, string> = {}) => fake.routeUrlMap('web', { path, headers }).services;
    expect(to('/', { 'x-variant': 'b' })).toEqual([{ service: service('web-variant'), weight: 1 }]);
    expect(to('/', { 'X-Variant': 'B' })).toEqual([{ service: service('web-control'), weight: 1 }]);
    expect(to('/shop/cart', { Cookie: 'a=1; group=beta' })).toEqual([{ service: service('web-variant'), weight: 1 }]);
    expect(to('/', { 'X-User': '7' })).toEqual([{ service: service('web-control'), weight: 90 }, { service: service('web-variant'), weight: 10 }]);

    const [patched] = await gce.urlMaps.get({ project, urlMap: 'web' });
    const stale = await gceError(gce.urlMaps.patch({ project, urlMap: 'web', urlMapResource: { fingerprint: map.fingerprint, defaultService: service('web-control') } }));
    expect(stale.code).toBe(412);
    const duplicate = await gceError(gce.urlMaps.update({
      project, urlMap: 'web',
      urlMapResource: { ...patched, pathMatchers: [{ name: 'all', defaultService: service('web-control'), routeRules: [{ priority: 1, service: service('web-variant') }, { priority: 1, service: service('web-variant') }] }] },
    }));
    expect(duplicate.error.message).toContain('routeRules[1].priority');
    const inUse = await gceError(gce.backendServices.delete({ project, backendService: 'web-variant' }));
    expect(inUse.error.message).toBe(`The backend_service resource 'projects/${project}/global/backendServices/web-variant' is already being used by 'projects/${project}/global/urlMaps/web'`);

    await untilDone(gce, gce.urlMaps.update({ project, urlMap: 'web', urlMapResource: { ...patched, pathMatchers: [{ name: 'all', defaultService: service('web-control') }] } }));
    expect(to('/', { 'x-variant': 'b' })).toEqual([{ service: service('web-control'), weight: 1 }]);
    await untilDone(gce, gce.backendServices.delete({ project, backendService: 'web-variant' }));
  });
});
