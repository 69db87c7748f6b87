import { describe, expect, it } from 'vitest';
import { requestRuleSchema } from '@gantry/core';
import { httpRouteName, routeObjects, type ClusterRouteInput } from './routers';

const input: ClusterRouteInput = {
  namespace: 'ns1',
  application: 'shop',
  cluster: 'shop-web',
  httpRouteName: 'shop-web',
  parentRefs: [{ name: 'public' }],
  backends: [
    { name: 'shop-web-v001', port: 8080, weight: 90 },
    { name: 'shop-web-v002', port: 8080, weight: 10 },
  ],
  serverGroups: ['shop-web-v002', 'shop-web-v001'],
  port: 8080,
};

describe('Kubernetes route objects', () => {
  it('has none in service mode, an HTTPRoute, Istio subsets before their VirtualService, or a TrafficSplit', () => {
    expect(routeObjects('service', input)).toEqual([]);
    expect(routeObjects('gatewayHttpRoute', input).map((object) => object.kind.kind)).toEqual(['HTTPRoute']);
    expect(routeObjects('istio', input).map((object) => object.kind.kind)).toEqual(['DestinationRule', 'VirtualService']);
    expect(routeObjects('smi', input)[0]?.body).toMatchObject({
      apiVersion: 'split.smi-spec.io/v1alpha2',
      spec: { service: 'shop-web', backends: [{ service: 'shop-web-v001', weight: 90 }, { service: 'shop-web-v002', weight: 10 }] },
    });
    expect(httpRouteName('{cluster}-public', 'shop-web')).toBe('shop-web-public');
  });

  it('puts the rules before the weights, and refuses them for SMI', () => {
    const routing = { variant: { name: 'shop-web-v002', port: 8080, weight: 0 }, rules: [requestRuleSchema.parse({ header: { name: 'X-Variant', regex: 'b|c' } })] };
    const [route] = routeObjects('gatewayHttpRoute', { ...input, routing });
    expect((route?.body.spec as { rules: unknown[] }).rules[0]).toEqual({
      matches: [{ headers: [{ type: 'RegularExpression', name: 'X-Variant', value: 'b|c' }] }],
      backendRefs: [{ kind: 'Service', name: 'shop-web-v002', port: 8080, weight: 1 }],
    });
    expect(() => routeObjects('smi', { ...input, routing })).toThrow('weights only');
  });
});
