import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bakeInputs,
  bakeManifestFieldsSchema,
  bakedArtifact,
  chartFolder,
  helmTemplateArgs,
  isHelmRenderer,
  kustomizationFolder,
  pathInside,
  withoutHelmTests,
  type Artifact,
  type BakeInputArtifact,
  type BakeManifestFields,
} from '@gantry/core';
import type { ArtifactAccounts } from '@gantry/providers';
import { readFields } from '../readFields';
import type { JsonObject } from '@gantry/store';
import { TaskFailure, defineTask, type TaskContext } from '../Task';
import { artifactFailure, downloadArtifact, requireBoundArtifact } from './artifacts';

/** Rendering a chart or a kustomization is quick; one that takes longer is stuck (a template loop, a remote base that hangs). */
const RENDER_TIMEOUT_MS = 120_000;
/** What a bake may produce; more is a runaway template, not a set of manifests. */
const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

/** The renderers' binaries: a user's own on PATH, as rosco runs them, or the ones these variables name. */
function binary(tool: 'helm' | 'kubectl'): string {
  const named = tool === 'helm' ? process.env.GANTRY_HELM_BIN : process.env.GANTRY_KUBECTL_BIN;
  return named !== undefined && named !== '' ? named : tool;
}

/** The artifact an input names: bound to its expected artifact id, else given inline (orca's getBoundArtifactForStage). */
function inputArtifact(ctx: TaskContext, input: BakeInputArtifact, field: string): Artifact {
  if (input.id !== undefined && input.id !== '') {
    return requireBoundArtifact(ctx, input.id, field);
  }
  if (input.artifact === undefined) throw new TaskFailure(`${field}: names no expected artifact (id) and gives no artifact`);
  return input.artifact;
}

/** Clones a git/repo input and returns the folder `path` names inside it, refusing one outside. */
async function checkoutPath(accounts: ArtifactAccounts, artifact: Artifact, input: BakeInputArtifact, work: string, path: string, field: string, pathField: string): Promise<string> {
  const inside = pathInside(path);
  if (inside === undefined) throw new TaskFailure(`${pathField}: ${path} leaves the repository`);
  const repo = join(work, 'repo');
  try {
    await accounts.checkout(artifact, repo, input.account);
  } catch (error) {
    return artifactFailure(error, field);
  }
  const folder = join(repo, inside);
  if (!(await stat(folder).catch(() => undefined))?.isDirectory()) throw new TaskFailure(`${pathField}: ${path} is not a folder of ${artifact.reference ?? 'the repository'}`);
  return folder;
}

function run(command: string, args: string[], cwd: string, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, timeout: RENDER_TIMEOUT_MS, maxBuffer: MAX_OUTPUT_BYTES, env: { ...process.env, HELM_CACHE_HOME: join(cwd, '.helm-cache'), HELM_CONFIG_HOME: join(cwd, '.helm-config'), HELM_DATA_HOME: join(cwd, '.helm-data') } }, (error, stdout, stderr) => {
      if (error === null) return resolve(stdout);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new TaskFailure(`${what}: ${command} is not installed (put it on PATH or name it in ${command.endsWith('helm') ? 'GANTRY_HELM_BIN' : 'GANTRY_KUBECTL_BIN'})`));
      }
      // Helm and kustomize say what is wrong on a line starting "Error:" (Helm adds advice after it).
      const lines = stderr.trim().split('\n');
      const reason = (lines.find((line) => line.startsWith('Error:')) ?? lines.slice(-3).join(' ')).replace(/\s+/g, ' ').trim() || error.message;
      reject(new TaskFailure(`${what} failed: ${reason}`));
    });
  });
}

async function renderHelm(ctx: TaskContext, fields: BakeManifestFields, work: string): Promise<string> {
  const accounts = ctx.services.artifacts;
  const inputs = bakeInputs(fields);
  const [chartInput, ...valuesInputs] = inputs;
  if (chartInput === undefined) throw new TaskFailure('inputArtifacts: at least the chart is required');
  const chart = inputArtifact(ctx, chartInput, 'inputArtifacts[0]');
  let chartPath: string;
  if (chart.type === 'git/repo') {
    chartPath = await checkoutPath(accounts, chart, chartInput, work, chartFolder(fields.helmChartFilePath ?? ''), 'inputArtifacts[0]', 'helmChartFilePath');
  } else {
    // A packaged chart (helm/chart, an http/file or github/file .tgz): Helm reads the archive as it is.
    chartPath = join(work, 'chart.tgz');
    await writeFile(chartPath, await downloadArtifact(ctx, chart, chartInput.account, 'inputArtifacts[0]'));
  }
  const valuesPaths: string[] = [];
  for (const [index, input] of valuesInputs.entries()) {
    const field = `inputArtifacts[${index + 1}]`;
    const path = join(work, `values-${index + 1}.yaml`);
    await writeFile(path, await downloadArtifact(ctx, inputArtifact(ctx, input, field), input.account, field));
    valuesPaths.push(path);
  }
  const args = helmTemplateArgs({
    renderer: fields.templateRenderer,
    releaseName: fields.outputName,
    chartPath,
    valuesPaths,
    namespace: fields.namespace,
    overrides: fields.overrides,
    rawOverrides: fields.rawOverrides,
    includeCRDs: fields.includeCRDs,
    apiVersions: fields.apiVersions,
    kubeVersion: fields.kubeVersion,
  });
  return withoutHelmTests(await run(binary('helm'), args, work, `helm template of ${chart.name ?? chart.reference ?? 'the chart'}`));
}

async function renderKustomize(ctx: TaskContext, fields: BakeManifestFields, work: string): Promise<string> {
  const [input] = bakeInputs(fields);
  if (input === undefined) throw new TaskFailure('inputArtifact (a git/repo artifact) is required');
  const artifact = inputArtifact(ctx, input, 'inputArtifact');
  if (artifact.type !== 'git/repo') throw new TaskFailure(`inputArtifact: ${fields.templateRenderer} bakes a git/repo artifact, not ${artifact.type}`);
  const folder = await checkoutPath(ctx.services.artifacts, artifact, input, work, kustomizationFolder(fields.kustomizeFilePath ?? ''), 'inputArtifact', 'kustomizeFilePath');
  return run(binary('kubectl'), ['kustomize', folder], work, `kubectl kustomize of ${fields.kustomizeFilePath ?? ''}`);
}

/**
 * `bakeManifest`: fetches the inputs into a private folder, renders them with the real `helm
 * template` or `kubectl kustomize`, and binds the result to the stage's one expected artifact
 * (orca's CreateBakeManifestTask then BindProducedArtifactsTask). Nothing outside that folder is
 * touched, and the outputs commit only with the task's result: a run cut short by a crash is
 * simply rendered again from the same inputs.
 */
export const bakeManifestTask = defineTask({
  name: 'bakeManifest',
  async run(ctx) {
    const fields = readFields(bakeManifestFieldsSchema, ctx);
    const expected = fields.expectedArtifacts[0];
    if (expected === undefined) throw new TaskFailure('expectedArtifacts: bakeManifest produces one artifact and needs exactly one expected artifact');
    const work = await mkdtemp(join(tmpdir(), 'gantry-bake-'));
    try {
      const rendered = isHelmRenderer(fields.templateRenderer) ? await renderHelm(ctx, fields, work) : await renderKustomize(ctx, fields, work);
      const artifact = bakedArtifact(fields.outputName, rendered);
      const bound = { ...expected, boundArtifact: artifact };
      const outputs = {
        artifacts: [artifact],
        resolvedExpectedArtifacts: [bound],
        cloudProvider: 'kubernetes',
      } as unknown as JsonObject;
      return { status: 'SUCCEEDED', outputs };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
});
