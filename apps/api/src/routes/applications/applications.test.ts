import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ProviderError,
  UnknownAccountError,
  accountSchema,
  type AccountConfig,
  type CloudProvider,
  type ClusterRef,
  type ServerGroup,
} from '@gantry/providers';
import type { ClusterPlace } from '@gantry/store';
import { installErrorShape } from '../../plugins/errorShape';
import { installZodSchemas } from '../../plugins/zodSchemas';
import { applicationRoutes } from './index';

// The routes over stand-in providers: what is listed where, how views look, how failures map.

const account = (name: string): AccountConfig => accountSchema.parse({ name, provider: 'kubernetes', server: 'http://127.0.0.1:1', namespace: 'ns1' });

function group(cluster: string, sequence: number, overrides: Partial<ServerGroup> = {}): ServerGroup {
  return {
    account: 'k8s',
    location: 'ns1',
    application: 'shop',
    cluster,
    name: `${cluster}-v00${sequence}`,
    sequence,
    image: `img:${sequence}`,
    capacity: { min: 1, max: 3, desired: 2 },
    enabled: true,
    createdAt: new Date(Date.UTC(2030, 0, 1, 0, sequence)),
    health: { desired: 2, up: 2, down: 0, unknown: 0 },
    ...overrides,
  };
}

/** Lists `groups` by cluster; `fail` makes a listing of that cluster throw instead. */
function provider(groups: ServerGroup[], fail: Record<string, ProviderError> = {}): CloudProvider {
  const unused = () => Promise.reject(new Error('not used by the routes'));
  return {
    kind: 'kubernetes',
    listServerGroups: async (cluster: ClusterRef) => {
      const error = fail[cluster.cluster];
      if (error) throw error;
      return groups.filter((candidate) => candidate.cluster === cluster.cluster && (cluster.location ?? 'ns1') === candidate.location);
    },
    bake: unused,
    createServerGroup: unused,
    getServerGroup: unused,
    resize: unused,
    enable: unused,
    disable: unused,
    setTrafficWeights: unused,
    setRequestRouting: unused,
    destroy: unused,
    health: unused,
    listInstances: unused,
    terminateInstances: unused,
  };
}

const failure = (kind: 'Throttled' | 'Fatal' | 'NotFound') =>
  new ProviderError({ kind, provider: 'kubernetes', operation: 'listServerGroups', account: 'k8s', location: 'ns1', reason: `injected ${kind}` });

describe('application routes', () => {
  let app: FastifyInstance;
  const known: ClusterPlace[] = [
    { account: 'k8s', location: 'ns1', cluster: 'shop-web' },
    { account: 'k8s', cluster: 'shop-web' }, // the same place, recorded without a location
    { account: 'k8s', location: 'ns1', cluster: 'shop-gone' },
    { account: 'retired', location: 'ns1', cluster: 'shop-web' },
    { account: 'k8s', location: 'ns1', cluster: 'shop-throttled' },
    { account: 'k8s', location: 'ns1', cluster: 'shop-forbidden' },
  ];
  const groups = [group('shop-web', 0, { enabled: false }), group('shop-web', 1, { health: { desired: 2, up: 1, down: 1, unknown: 0 }, details: { deployment: 'shop-web-v001' } })];
  const accounts = [account('k8s')];

  beforeAll(async () => {
    app = Fastify({ logger: false });
    installZodSchemas(app);
    installErrorShape(app, { bodyLimitBytes: 1024 });
    const k8s = provider(groups, { 'shop-throttled': failure('Throttled'), 'shop-forbidden': failure('Fatal') });
    app.register(applicationRoutes, {
      prefix: '/api/v1',
      providers: {
        accounts: () => accounts,
        forAccount: (name) => {
          if (name !== 'k8s') throw new UnknownAccountError(name, ['k8s']);
          return { account: accounts[0]!, provider: k8s };
        },
      },
      clusterIndex: { manifestPlacesOf: async () => [], clustersOf: async (application) => (application === 'shop' ? known.filter((k) => !k.cluster.includes('throttled') && !k.cluster.includes('forbidden')) : []) },
    });
    await app.ready();
  });
  afterAll(() => app.close());

  const get = async (url: string) => {
    const response = await app.inject({ method: 'GET', url });
    return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
  };

  it('lists the live clusters of an application once per place, newest group first', async () => {
    expect(await get('/api/v1/applications/shop/clusters')).toEqual({
      status: 200,
      body: { application: 'shop', clusters: [{ name: 'shop-web', account: 'k8s', location: 'ns1', serverGroups: ['shop-web-v001', 'shop-web-v000'] }], manifests: [] },
    });
    expect(await get('/api/v1/applications/cart/clusters')).toEqual({ status: 200, body: { application: 'cart', clusters: [], manifests: [] } });
  });

  it("shows a cluster's server groups with capacity, traffic and health", async () => {
    const { status, body } = await get('/api/v1/applications/shop/clusters/shop-web/serverGroups');
    expect(status).toBe(200);
    expect(body).toEqual({
      application: 'shop',
      cluster: 'shop-web',
      serverGroups: [
        {
          name: 'shop-web-v001',
          account: 'k8s',
          location: 'ns1',
          cluster: 'shop-web',
          sequence: 1,
          image: 'img:1',
          capacity: { min: 1, max: 3, desired: 2 },
          enabled: true,
          health: { desired: 2, up: 1, down: 1, unknown: 0 },
          healthy: false,
          createdAt: '2030-01-01T00:01:00.000Z',
          details: { deployment: 'shop-web-v001' },
        },
        expect.objectContaining({ name: 'shop-web-v000', enabled: false, healthy: true }),
      ],
    });
    expect((await get('/api/v1/applications/shop/clusters/shop-web/serverGroups?account=k8s&location=ns2')).body).toMatchObject({ serverGroups: [] });
  });

  it('answers 404 for an unknown account and 400 for a cluster of another application', async () => {
    expect(await get('/api/v1/applications/shop/clusters/shop-web/serverGroups?account=nope')).toEqual({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'unknown account nope; known accounts: k8s', details: { account: 'nope', knownAccounts: ['k8s'] } } },
    });
    expect(await get('/api/v1/applications/shop/clusters/cart-web/serverGroups')).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION', message: expect.stringContaining('cluster cart-web does not belong to application shop') } },
    });
    expect(await get('/api/v1/applications/Shop/clusters')).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION' } } });
  });

  it('maps provider failures: throttling 503, refusals 502, both with the provider message', async () => {
    expect(await get('/api/v1/applications/shop/clusters/shop-throttled/serverGroups?account=k8s')).toMatchObject({
      status: 503,
      body: {
        error: {
          code: 'PROVIDER_UNAVAILABLE',
          message: 'kubernetes/listServerGroups: injected Throttled (account k8s, namespace ns1)',
          details: { kind: 'Throttled', account: 'k8s' },
        },
      },
    });
    expect(await get('/api/v1/applications/shop/clusters/shop-forbidden/serverGroups?account=k8s')).toMatchObject({
      status: 502,
      body: { error: { code: 'PROVIDER_ERROR', details: { kind: 'Fatal' } } },
    });
  });
});
