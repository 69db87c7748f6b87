import { describe, expect, it } from 'vitest';
import { bakeManifestStage } from '../stages/manifest/bakeManifest';
import { bakedArtifact, chartFolder, helmTemplateArgs, kustomizationFolder, pathInside, withoutHelmTests } from './bake';

const expected = (name: string) => [{ id: 'baked', matchArtifact: { type: 'embedded/base64', name } }];
const chart = { id: 'chart' };

function issues(fields: Record<string, unknown>): string[] {
  const parsed = bakeManifestStage.fields.safeParse(fields);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('bakeManifest fields (orca CreateBakeManifestTask checks, at save time)', () => {
  it('accepts a HELM3 bake and reads the renderer as orca does (upper-cased)', () => {
    expect(issues({ templateRenderer: 'helm3', outputName: 'web', inputArtifacts: [chart], expectedArtifacts: expected('web') })).toEqual([]);
  });

  it('needs exactly one expected artifact, named as outputName', () => {
    expect(issues({ templateRenderer: 'HELM3', outputName: 'web', inputArtifacts: [chart], expectedArtifacts: [] })[0]).toMatch(/^expectedArtifacts: .*exactly one \(it holds 0\)/);
    expect(issues({ templateRenderer: 'HELM3', outputName: 'web', inputArtifacts: [chart], expectedArtifacts: expected('api') })).toEqual([
      'outputName: outputName must equal the expected artifact\'s matchArtifact.name ("api")',
    ]);
  });

  it('needs the chart, and a kustomization path for KUSTOMIZE', () => {
    expect(issues({ templateRenderer: 'HELM3', outputName: 'web', expectedArtifacts: expected('web') })).toEqual(['inputArtifacts: inputArtifacts: at least the chart is required']);
    expect(issues({ templateRenderer: 'KUSTOMIZE', outputName: 'web', inputArtifact: { id: 'repo' }, expectedArtifacts: expected('web') })).toEqual([
      'kustomizeFilePath: kustomizeFilePath (the kustomization inside the git/repo artifact) is required',
    ]);
    expect(issues({ templateRenderer: 'HELMFILE', outputName: 'web', inputArtifacts: [chart], expectedArtifacts: expected('web') })[0]).toMatch(/^templateRenderer: templateRenderer is one of HELM2, HELM3, KUSTOMIZE, KUSTOMIZE4/);
  });
});

describe('helm template arguments (rosco HelmTemplateUtils)', () => {
  it('renders release then chart, values files in order, then each override as --set-string', () => {
    expect(helmTemplateArgs({
      renderer: 'HELM3', releaseName: 'web', chartPath: '/w/chart.tgz', valuesPaths: ['/w/v1.yaml', '/w/v2.yaml'], namespace: 'prod',
      overrides: { 'image.tag': 1.10, greeting: 'a,b' }, rawOverrides: false, includeCRDs: true, kubeVersion: '1.35.0',
    })).toEqual([
      'template', 'web', '/w/chart.tgz', '--namespace', 'prod', '--include-crds', '--kube-version', '1.35.0',
      '--values', '/w/v1.yaml', '--values', '/w/v2.yaml', '--set-string', 'image.tag=1.1', '--set-string', 'greeting=a,b',
    ]);
  });

  it('passes typed overrides with rawOverrides', () => {
    expect(helmTemplateArgs({ renderer: 'HELM2', releaseName: 'r', chartPath: 'c', valuesPaths: [], overrides: { replicas: 3 }, rawOverrides: true, includeCRDs: false })).toEqual(['template', 'r', 'c', '--set', 'replicas=3']);
  });

  it('leaves out the chart tests, as rosco does', () => {
    const rendered = '---\n# Source: web/templates/cm.yaml\nkind: ConfigMap\n---\n# Source: web/templates/tests/ping.yaml\nkind: Pod\n';
    expect(withoutHelmTests(rendered)).not.toContain('kind: Pod');
    expect(withoutHelmTests(rendered)).toContain('kind: ConfigMap');
  });
});

describe('paths inside a fetched repository', () => {
  it('normalises and refuses a path that leaves it', () => {
    expect(pathInside('./charts//web/')).toBe('charts/web');
    expect(pathInside('a/../b')).toBe('b');
    expect(pathInside('../etc')).toBeUndefined();
    expect(pathInside('/etc')).toBeUndefined();
    expect(chartFolder('charts/web/Chart.yaml')).toBe('charts/web');
    expect(chartFolder('Chart.yaml')).toBe('');
    expect(kustomizationFolder('overlays/prod/kustomization.yaml')).toBe('overlays/prod');
    expect(kustomizationFolder('overlays/prod')).toBe('overlays/prod');
  });

  it('produces the embedded/base64 artifact deployManifest reads', () => {
    expect(bakedArtifact('web', 'kind: ConfigMap\n')).toEqual({ type: 'embedded/base64', name: 'web', reference: Buffer.from('kind: ConfigMap\n').toString('base64'), artifactAccount: 'embedded-artifact' });
  });
});
