import type { Artifact } from '../artifacts';
import type { TemplateRenderer } from '../stages/manifest/bakeManifest';

/**
 * What rosco decides for a manifest bake, without running anything: the `helm template`
 * arguments, the tests it leaves out, the path checks and the artifact it produces.
 */

export interface HelmTemplateInput {
  renderer: TemplateRenderer;
  /** The release name: the stage's `outputName`. */
  releaseName: string;
  chartPath: string;
  valuesPaths: readonly string[];
  namespace?: string | undefined;
  overrides: Readonly<Record<string, string | number | boolean>>;
  rawOverrides: boolean;
  includeCRDs: boolean;
  apiVersions?: string | undefined;
  kubeVersion?: string | undefined;
}

/**
 * `helm template <release> <chart>` as rosco builds it for HELM3 (HELM2 pipelines render the same
 * way: only Helm 3 and later are run). Values files in order, then the overrides, which Helm
 * applies over every values file. Each override is its own `--set-string` (or `--set` with
 * `rawOverrides`); a value is passed as written, so Helm reads its commas, braces and backslashes
 * as it reads rosco's (`{a,b}` is a list, `a\,b` an escaped comma), and pipelines keep their meaning.
 */
export function helmTemplateArgs(input: HelmTemplateInput): string[] {
  const args = ['template', input.releaseName, input.chartPath];
  if (input.namespace !== undefined && input.namespace !== '') args.push('--namespace', input.namespace);
  if (input.includeCRDs) args.push('--include-crds');
  if (input.apiVersions !== undefined && input.apiVersions.trim() !== '') args.push('--api-versions', input.apiVersions);
  if (input.kubeVersion !== undefined && input.kubeVersion.trim() !== '') args.push('--kube-version', input.kubeVersion);
  for (const path of input.valuesPaths) args.push('--values', path);
  const flag = input.rawOverrides ? '--set' : '--set-string';
  for (const [key, value] of Object.entries(input.overrides)) args.push(flag, `${key}=${String(value)}`);
  return args;
}

const TEST_SOURCE = /^# Source: .*\/templates\/tests\//m;

/** Rosco leaves out the chart's test hooks (`templates/tests/`): they are run by `helm test`, never deployed. */
export function withoutHelmTests(rendered: string): string {
  return rendered
    .split(/^---\s*$/m)
    .filter((document) => !TEST_SOURCE.test(document))
    .join('---');
}

/**
 * A path the stage gives inside a fetched repository (`helmChartFilePath`, `kustomizeFilePath`),
 * normalised, or undefined when it would leave the repository (absolute, or through `..`).
 */
export function pathInside(path: string): string | undefined {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return path.startsWith('/') ? undefined : parts.join('/');
}

/** The chart folder of `helmChartFilePath`: Spinnaker's UI asks for the Chart.yaml's path, Helm wants its folder. */
export function chartFolder(path: string): string {
  return path.replace(/(^|\/)Chart\.ya?ml$/, '');
}

/** `kubectl kustomize` builds a folder: the kustomization file's, or the folder given. */
export function kustomizationFolder(path: string): string {
  return /(^|\/)(kustomization\.ya?ml|Kustomization)$/.test(path) ? path.replace(/\/?[^/]+$/, '') : path;
}

/** The bake's result, as rosco returns it: the rendered YAML, base64 in an `embedded/base64` artifact named `outputName`. */
export function bakedArtifact(outputName: string, rendered: string): Artifact {
  return { type: 'embedded/base64', name: outputName, reference: Buffer.from(rendered, 'utf8').toString('base64'), artifactAccount: 'embedded-artifact' };
}
