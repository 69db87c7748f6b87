import { describe, expect, it } from 'vitest';
import { resolveStage } from '../resolve';
import { check } from '../testSupport';
import { deployManifestStage } from './deployManifest';
import { labelSelectorText, parseManifestName, selectorMode } from './fields';
import { runJobManifestStage } from './runJobManifest';
import { deleteManifestStage, patchManifestStage, rollingRestartManifestStage, scaleManifestStage, undoRolloutManifestStage } from './targetStages';

const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } };

describe('manifest stage types', () => {
  it("accepts Spinnaker's deployManifest shapes: text, artifact by id or inline, credentials, moniker, required artifacts", () => {
    expect(check(deployManifestStage, { account: 'k8s', cloudProvider: 'kubernetes', source: 'text', manifests: [service], moniker: { app: 'shop' }, namespaceOverride: '', skipExpressionEvaluation: false, trafficManagement: { enabled: false, options: { enableTraffic: false, services: [] } } }))
      .toMatchObject({ ok: true, tasks: ['deployManifest', 'waitForManifestStable'] });
    expect(check(deployManifestStage, { credentials: 'k8s', source: 'artifact', manifestArtifactId: 'a1b2', manifestArtifactAccount: 'embedded-artifact', requiredArtifactIds: ['img'] })).toMatchObject({ ok: true });
    expect(check(deployManifestStage, { account: 'k8s', source: 'artifact', manifestArtifact: { type: 'embedded/base64', reference: 'a2luZDogU2VydmljZQ==' } })).toMatchObject({ ok: true });
  });

  it("plans orca's steps after a deploy under traffic management: the old ReplicaSets are retired unless the strategy is none", () => {
    const traffic = (strategy: string) => ({ account: 'k8s', manifests: [service], trafficManagement: { enabled: true, options: { enableTraffic: true, services: ['service web'], strategy } } });
    expect(check(deployManifestStage, traffic('redblack'))).toMatchObject({ ok: true, tasks: ['deployManifest', 'waitForManifestStable', 'retireOldReplicaSets'] });
    expect(check(deployManifestStage, traffic('highlander'))).toMatchObject({ ok: true, tasks: ['deployManifest', 'waitForManifestStable', 'retireOldReplicaSets'] });
    expect(check(deployManifestStage, traffic('none'))).toMatchObject({ ok: true, tasks: ['deployManifest', 'waitForManifestStable'] });
    expect(check(deployManifestStage, { ...traffic('redblack'), trafficManagement: { enabled: false, options: { strategy: 'redblack' } } })).toMatchObject({ ok: true, tasks: ['deployManifest', 'waitForManifestStable'] });
  });

  it('names what is missing or unsupported', () => {
    expect(check(deployManifestStage, { account: 'k8s', source: 'text' })).toMatchObject({ ok: false, issues: [{ path: ['manifests'], message: 'manifests is required with source text' }] });
    expect(check(deployManifestStage, { account: 'k8s', source: 'artifact' })).toMatchObject({ ok: false, issues: [{ path: ['manifestArtifactId'] }] });
    expect(check(deployManifestStage, { manifests: [service] })).toMatchObject({ ok: false, issues: [{ path: ['account'] }] });
    expect(check(deployManifestStage, { account: 'k8s', manifests: [service], trafficManagement: { enabled: true, options: { services: ['ingress web'] } } })).toMatchObject({ ok: false, issues: [{ path: ['trafficManagement', 'options', 'services', 0] }] });
    expect(check(deployManifestStage, { account: 'k8s', manifests: [service], cloudProvider: 'aws' })).toMatchObject({ ok: false, issues: [{ path: ['cloudProvider'] }] });
  });

  it('reads selectors: static names, dynamic cluster and criteria, numbers as text', () => {
    const scale = check(scaleManifestStage, { account: 'k8s', location: 'ns1', manifestName: 'deployment web', replicas: '0', mode: 'static' });
    expect(scale).toMatchObject({ ok: true, data: { replicas: 0 }, tasks: ['determineManifestTarget', 'scaleManifest', 'waitForManifestStable'] });
    expect(check(deleteManifestStage, { account: 'k8s', mode: 'dynamic', app: 'shop', cluster: 'replicaSet web', criteria: 'second_newest', kind: 'replicaSet', options: { cascading: false, gracePeriodSeconds: null } })).toMatchObject({ ok: true, tasks: ['determineManifestTarget', 'deleteManifest', 'waitForManifestDeleted'] });
    expect(check(deleteManifestStage, { account: 'k8s', mode: 'dynamic', cluster: 'replicaSet web' })).toMatchObject({ ok: false, issues: [{ path: ['criteria'] }] });
    expect(check(undoRolloutManifestStage, { credentials: 'k8s', location: 'staging', manifestName: 'deployment hostname', numRevisionsBack: 1, revision: null })).toMatchObject({ ok: true, data: { numRevisionsBack: 1 } });
    expect(check(undoRolloutManifestStage, { account: 'k8s', manifestName: 'deployment web', numRevisionsBack: '0' })).toMatchObject({ ok: false, issues: [{ path: ['numRevisionsBack'] }] });
    expect(check(rollingRestartManifestStage, { account: 'k8s', manifestName: 'web' })).toMatchObject({ ok: false, issues: [{ path: ['manifestName'], message: 'must be "<kind> <name>", e.g. "deployment web"' }] });
    expect(parseManifestName(' replicaSet web-v003 ')).toEqual({ kind: 'replicaSet', name: 'web-v003' });
  });

  it("deletes by Spinnaker's label selectors, and only deleteManifest may", () => {
    const labels = { account: 'k8s', mode: 'label', kinds: ['deployment', 'service'], labelSelectors: { selectors: [{ kind: 'EQUALS', key: 'app', values: ['web'] }, { kind: 'NOT_CONTAINS', key: 'tier', values: ['a', 'b'] }, { kind: 'NOT_EXISTS', key: 'canary', values: [] }] } };
    expect(check(deleteManifestStage, labels)).toMatchObject({ ok: true });
    expect(check(deleteManifestStage, { ...labels, kinds: [] })).toMatchObject({ ok: false, issues: [{ path: ['kinds'] }] });
    expect(check(scaleManifestStage, { ...labels, replicas: 1 })).toMatchObject({ ok: false, issues: [{ path: ['mode'] }] });
    expect(labelSelectorText(labels.labelSelectors as never)).toBe('app=web,tier notin (a,b),!canary');
  });

  it("reads selectors as older pipelines and deck write them: labels without a mode, a blank manifestName with mode dynamic", () => {
    // Spinnaker's codelab (codelab-kayenta-promotion.json): no mode, no manifestName: clouddriver deletes by labels.
    const codelab = { account: 'k8s', cloudProvider: 'kubernetes', kinds: ['deployment'], labelSelectors: { selectors: [{ key: 'canary', kind: 'EQUALS', values: ['true'] }] }, location: 'production', options: { cascading: true } };
    expect(check(deleteManifestStage, codelab)).toMatchObject({ ok: true });
    expect(selectorMode(codelab)).toBe('label');
    expect(selectorMode({ manifestName: 'deployment web' })).toBe('static');
    // solutions-bluegreen.json: deck leaves manifestName " " after switching to mode dynamic.
    const dynamic = { account: 'k8s', app: 'helloworld', cluster: 'replicaSet helloworld', criteria: 'second_newest', kind: 'replicaSet', location: 'default', manifestName: ' ', mode: 'dynamic', replicas: 1 };
    expect(check(scaleManifestStage, dynamic)).toMatchObject({ ok: true, data: { mode: 'dynamic', replicas: 1 } });
    expect(check(scaleManifestStage, { ...dynamic, mode: 'static' })).toMatchObject({ ok: false, issues: [{ path: ['manifestName'], message: 'manifestName ("<kind> <name>") is required with mode static' }] });
  });

  it('checks a patch against its merge strategy', () => {
    const base = { account: 'k8s', manifestName: 'deployment web', location: 'ns1' };
    expect(check(patchManifestStage, { ...base, patchBody: { spec: { replicas: 2 } }, options: { mergeStrategy: 'strategic', record: true } })).toMatchObject({ ok: true });
    expect(check(patchManifestStage, { ...base, patchBody: [{ op: 'replace', path: '/spec/replicas', value: 2 }], options: { mergeStrategy: 'json' } })).toMatchObject({ ok: true });
    expect(check(patchManifestStage, { ...base, patchBody: [{ op: 'replace' }] })).toMatchObject({ ok: false, issues: [{ path: ['patchBody'] }] });
  });

  it('keeps manifests as written with skipExpressionEvaluation, resolves them otherwise', () => {
    const stage = (skip: boolean) => ({ refId: 'd', type: 'deployManifest', requisiteStageRefIds: [], account: 'k8s', skipExpressionEvaluation: skip, manifests: [{ ...service, metadata: { name: '${parameters.name}' } }] });
    const scope = { parameters: { name: 'api' }, trigger: {}, stages: {} } as never;
    expect(resolveStage(stage(false) as never, scope)).toMatchObject({ manifests: [{ metadata: { name: 'api' } }] });
    expect(resolveStage(stage(true) as never, scope)).toMatchObject({ manifests: [{ metadata: { name: '${parameters.name}' } }] });
  });
});

describe('runJobManifest fields', () => {
  const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' }, spec: {} };

  it('accepts Spinnaker\'s shape, the Job in manifest or a one-element manifests', () => {
    expect(check(runJobManifestStage, { account: 'default', credentials: 'default', alias: 'runJob', application: 'shop', cloudProvider: 'kubernetes', source: 'text', consumeArtifactSource: 'propertyFile', propertyFile: 'migrate', manifest: job })).toMatchObject({ ok: true });
    expect(check(runJobManifestStage, { credentials: 'k8s', manifests: [job] })).toMatchObject({ ok: true });
  });

  it('refuses what it cannot run, naming the field', () => {
    expect(check(runJobManifestStage, { account: 'k8s' })).toMatchObject({ ok: false, issues: [{ path: ['manifest'] }] });
    expect(check(runJobManifestStage, { account: 'k8s', source: 'artifact', manifestArtifactId: 'a' })).toMatchObject({ ok: false, issues: [{ path: ['source'] }] });
    expect(check(runJobManifestStage, { account: 'k8s', manifest: job, consumeArtifactSource: 'artifact' })).toMatchObject({ ok: false, issues: [{ path: ['consumeArtifactSource'] }] });
    expect(check(runJobManifestStage, { account: 'k8s', manifest: job, consumeArtifactSource: 'propertyFile' })).toMatchObject({ ok: false, issues: [{ path: ['propertyFile'] }] });
  });
});
