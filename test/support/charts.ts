/**
 * The test chart (`test/fixtures/charts/shop`, with its dependency `shop-config`) made ready the
 * way a chart's author does it, with the real Helm 4: `helm dependency build` vendors the
 * dependency into `charts/`, `helm package` makes the `.tgz` a repository serves and
 * `helm repo index` its `index.yaml`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { kubeTool } from './kubeTools';

export const FIXTURES = resolve(__dirname, '../fixtures');
export const CHARTS = join(FIXTURES, 'charts');

function helm(args: string[], cwd: string): string {
  return execFileSync(kubeTool('helm'), args, { cwd, stdio: 'pipe', env: { ...process.env, HELM_CACHE_HOME: join(cwd, '.cache'), HELM_CONFIG_HOME: join(cwd, '.config'), HELM_DATA_HOME: join(cwd, '.data') } }).toString();
}

export interface PackagedChart {
  /** A copy of the charts folder, `shop/charts/` filled by `helm dependency build`. */
  source: string;
  /** `shop-0.1.0.tgz`, with its dependency inside. */
  tgz: Buffer;
  /** The repository's `index.yaml` (relative chart URLs), as `helm repo index` writes it. */
  index: string;
  /** The production values file. */
  values: string;
}

export function packageShopChart(): PackagedChart {
  const work = mkdtempSync(join(tmpdir(), 'gantry-chart-'));
  const source = join(work, 'src');
  cpSync(CHARTS, source, { recursive: true });
  helm(['dependency', 'build', 'shop'], source);
  const repo = join(work, 'repo');
  helm(['package', join(source, 'shop'), '--destination', repo], work);
  helm(['repo', 'index', repo], work);
  return {
    source,
    tgz: readFileSync(join(repo, 'shop-0.1.0.tgz')),
    index: readFileSync(join(repo, 'index.yaml'), 'utf8'),
    values: readFileSync(join(CHARTS, 'values-prod.yaml'), 'utf8'),
  };
}
