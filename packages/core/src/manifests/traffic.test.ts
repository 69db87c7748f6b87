import { describe, expect, it } from 'vitest';
import { ManifestProblem } from './manifest';
import { attachService, checkRolloutStrategy, loadBalancersOf, oldReplicaSetAction, sharedSelectorKeys, stageTraffic, trafficLabelPatch, withLoadBalancers } from './traffic';

const replicaSet = (annotation: string | undefined, matchLabels: Record<string, string> = { app: 'web' }) => ({
  kind: 'ReplicaSet',
  metadata: { name: 'web-v001', ...(annotation === undefined ? {} : { annotations: { 'traffic.spinnaker.io/load-balancers': annotation } }) },
  spec: { selector: { matchLabels }, template: { metadata: { labels: { app: 'web', 'traffic.example.io/web': 'yes' } } } },
});
const service = (selector: Record<string, string>) => ({ kind: 'Service', metadata: { name: 'web' }, spec: { selector } });

describe('traffic management of ReplicaSets', () => {
  it('reads the Services of the load-balancers annotation and refuses anything else', () => {
    expect(loadBalancersOf(replicaSet('["service web", "service  admin"]'))).toEqual(['web', 'admin']);
    expect(loadBalancersOf(replicaSet(undefined))).toEqual([]);
    expect(() => loadBalancersOf(replicaSet('service web'))).toThrow(ManifestProblem);
    expect(() => loadBalancersOf(replicaSet('["ingress web"]'))).toThrow(/"ingress web" is not "service <name>"/);
  });

  it('finds the Service selector keys the ReplicaSet selects its own pods by', () => {
    expect(sharedSelectorKeys(service({ 'traffic.example.io/web': 'yes' }), replicaSet('[]'))).toEqual([]);
    expect(sharedSelectorKeys(service({ app: 'web', 'traffic.example.io/web': 'yes' }), replicaSet('[]'))).toEqual(['app']);
  });

  it('removes the selected labels to disable and adds them back to enable, with nothing to do on a repeat', () => {
    const selector = { 'traffic.example.io/web': 'yes' };
    const labels = { app: 'web', 'traffic.example.io/web': 'yes' };
    expect(trafficLabelPatch(labels, '/metadata/labels', selector, 'disable')).toEqual([{ op: 'remove', path: '/metadata/labels/traffic.example.io~1web' }]);
    expect(trafficLabelPatch({ app: 'web' }, '/metadata/labels', selector, 'disable')).toEqual([]);
    expect(trafficLabelPatch({ app: 'web' }, '/metadata/labels', selector, 'enable')).toEqual([{ op: 'add', path: '/metadata/labels/traffic.example.io~1web', value: 'yes' }]);
    expect(trafficLabelPatch(labels, '/metadata/labels', selector, 'enable')).toEqual([]);
    expect(trafficLabelPatch(undefined, '/spec/template/metadata/labels', selector, 'enable')).toEqual([{ op: 'add', path: '/spec/template/metadata/labels', value: selector }]);
  });

  it("reads the stage's trafficManagement as orca hands it on: without it traffic is enabled and no strategy runs", () => {
    expect(stageTraffic(undefined)).toEqual({ services: [], enableTraffic: true, strategy: 'none' });
    expect(stageTraffic({ enabled: false, options: { enableTraffic: false, services: ['service web'], strategy: 'redblack' } })).toEqual({ services: [], enableTraffic: true, strategy: 'none' });
    expect(stageTraffic({ enabled: true, options: { services: ['service web'], strategy: 'redblack' } })).toEqual({ services: ['service web'], enableTraffic: false, strategy: 'redblack' });
  });

  it("writes the stage's services into the annotation, keeps one written alike, refuses a different one", () => {
    const manifest = { apiVersion: 'apps/v1', ...replicaSet(undefined) } as never;
    const traffic = { services: ['service web'], enableTraffic: true, strategy: 'redblack' as const };
    const { manifest: annotated, services } = withLoadBalancers(manifest, traffic);
    expect(services).toEqual(['web']);
    expect(annotated.metadata.annotations).toEqual({ 'traffic.spinnaker.io/load-balancers': '["service web"]' });
    expect(withLoadBalancers(annotated, traffic).services).toEqual(['web']);
    expect(withLoadBalancers({ apiVersion: 'apps/v1', ...replicaSet('["service admin"]') }, { ...traffic, services: [] }).services).toEqual(['admin']);
    expect(() => withLoadBalancers({ apiVersion: 'apps/v1', ...replicaSet('["service admin"]') }, traffic)).toThrow(/names \["admin"\], not the stage's services \["web"\]/);
  });

  it("attaches a Service by adding its selector to the pod template, refusing one whose keys the template sets (clouddriver's caveat) or that selects nothing", () => {
    const bare = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web' }, spec: { template: { metadata: { labels: { app: 'web' } } } } } as never;
    const attached = attachService(bare, service({ 'traffic.example.io/web': 'yes' }), 'web');
    expect(attached.spec).toEqual({ template: { metadata: { labels: { app: 'web', 'traffic.example.io/web': 'yes' } } } });
    expect(() => attachService(attached, service({ 'traffic.example.io/web': 'yes' }), 'web')).toThrow(/selects by traffic.example.io\/web, which the pod template already sets/);
    expect(() => attachService(bare, service({}), 'web')).toThrow(/has no selector/);
  });

  it('refuses red/black for a manifest keeping fewer than 2 versions', () => {
    const keeping = (n: string) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', annotations: { 'strategy.spinnaker.io/max-version-history': n } } }) as never;
    expect(() => checkRolloutStrategy(keeping('1'), 'redblack')).toThrow(/max-version-history is below 2/);
    expect(() => checkRolloutStrategy(keeping('2'), 'redblack')).not.toThrow();
    expect(() => checkRolloutStrategy(keeping('1'), 'highlander')).not.toThrow();
  });

  it("decides the old ReplicaSets' fate as orca does: disabled under red/black unless never ready and still waiting, deleted under highlander", () => {
    const ready = { status: { readyReplicas: 2, availableReplicas: 2 } };
    const stuck = { status: { readyReplicas: 0 } };
    expect(oldReplicaSetAction('redblack', ready, 'waiting')).toBe('disable');
    expect(oldReplicaSetAction('bluegreen', stuck, 'waiting')).toBe('delete');
    expect(oldReplicaSetAction('redblack', stuck, 'failed')).toBe('disable');
    expect(oldReplicaSetAction('highlander', ready, 'stable')).toBe('disableThenDelete');
    expect(oldReplicaSetAction('none', ready, 'stable')).toBeUndefined();
  });
});
