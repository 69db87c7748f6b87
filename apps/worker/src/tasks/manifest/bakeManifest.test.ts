import { ArtifactAccounts } from '@gantry/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactFake } from '../../../../../test/fakes/artifacts';
import { packageShopChart, type PackagedChart } from '../../../../../test/support/charts';
import { kubeTool } from '../../../../../test/support/kubeTools';
import { makeTaskContext } from '../testContext';
import { bakeManifestTask } from './bakeManifest';

/** The task itself: inputs bound by the trigger, a redelivery, paths that leave the repository. */
describe('bakeManifest task (real helm template)', () => {
  let chart: PackagedChart;
  let files: ArtifactFake;
  let saved: string | undefined;

  beforeAll(async () => {
    saved = process.env.GANTRY_HELM_BIN;
    process.env.GANTRY_HELM_BIN = kubeTool('helm');
    chart = packageShopChart();
    files = await new ArtifactFake().start();
  });
  afterAll(async () => {
    await files?.stop();
    if (saved === undefined) delete process.env.GANTRY_HELM_BIN;
    else process.env.GANTRY_HELM_BIN = saved;
  });

  const context = (stage: Record<string, unknown>) => makeTaskContext({
    execution: {
      // The chart comes from the trigger: an expected artifact bound to an http/file .tgz.
      trigger: { type: 'manual', resolvedExpectedArtifacts: [{ id: 'chart', matchArtifact: { type: 'http/file' }, boundArtifact: { type: 'http/file', reference: files.serveFile('/shop-0.1.0.tgz', chart.tgz), artifactAccount: 'no-auth-http-account' } }] },
    },
    stage: {
      context: {
        templateRenderer: 'HELM3', outputName: 'shop', namespace: 'ns1', inputArtifacts: [{ id: 'chart' }],
        overrides: { 'image.tag': '1.0', replicaCount: 4 }, rawOverrides: true,
        expectedArtifacts: [{ id: 'out', matchArtifact: { type: 'embedded/base64', name: 'shop' } }],
        ...stage,
      },
    },
    services: { artifacts: new ArtifactAccounts({ accounts: {}, secret: () => undefined }) },
  });

  it('binds the rendered chart to the stage\'s expected artifact, and renders the same artifact when the task is delivered again', async () => {
    const first = await bakeManifestTask.run(context({}));
    const again = await bakeManifestTask.run(context({}));
    expect(first.status).toBe('SUCCEEDED');
    expect(again.outputs).toEqual(first.outputs);
    const bound = (first.outputs?.resolvedExpectedArtifacts as { id: string; boundArtifact: { type: string; name: string; reference: string } }[])[0];
    expect(bound).toMatchObject({ id: 'out', boundArtifact: { type: 'embedded/base64', name: 'shop' } });
    const yaml = Buffer.from(bound?.boundArtifact.reference ?? '', 'base64').toString('utf8');
    // rawOverrides: replicaCount is a number (--set), so the Deployment takes it.
    expect(yaml).toMatch(/kind: Deployment[\s\S]*replicas: 4/);
    expect(yaml).toContain('kind: ConfigMap');
    expect(yaml).not.toContain('test-connection');
  });

  it('fails naming the expected artifact nothing bound, and a chart path outside the repository', async () => {
    expect(await bakeManifestTask.run(context({ inputArtifacts: [{ id: 'nothing' }] }))).toEqual({ status: 'TERMINAL', error: 'inputArtifacts[0]: no artifact is bound to expected artifact nothing (by the trigger or an earlier stage)' });
    const repo = { type: 'git/repo', reference: 'http://127.0.0.1:1/x.git' };
    expect(await bakeManifestTask.run(context({ inputArtifacts: [{ artifact: repo }], helmChartFilePath: '../../etc' }))).toEqual({ status: 'TERMINAL', error: 'helmChartFilePath: ../../etc leaves the repository' });
  });
});
