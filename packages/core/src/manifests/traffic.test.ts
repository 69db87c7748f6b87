import { describe, expect, it } from 'vitest';
import { ManifestProblem } from './manifest';
import { loadBalancersOf, sharedSelectorKeys, trafficLabelPatch } from './traffic';

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
});
