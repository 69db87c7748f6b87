import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';

/**
 * Orca's findArtifactFromExecution through the API and a real worker: one pipeline's execution
 * holds an artifact (bound from its default at launch), another pipeline's stage finds it there by
 * its status and hands it on by expected artifact id, as later stages read it.
 */

let gantry: TestGantry;

beforeAll(async () => {
  gantry = await startTestGantry();
});

afterAll(async () => {
  await gantry?.stop();
});

const configMap = { type: 'kubernetes/configMap', name: 'sampleapp-config-prod', reference: 'sampleapp-config-prod-v003' };

describe('findArtifactFromExecution', () => {
  it("binds an artifact of another pipeline's latest admitted execution, and fails naming what it cannot find", async () => {
    const deploy = await gantry.savePipeline({
      application: 'sampleapp',
      name: 'deploy to prod',
      expectedArtifacts: [{ id: 'config', matchArtifact: { type: 'kubernetes/configMap' }, useDefaultArtifact: true, defaultArtifact: configMap }],
      stages: [{ refId: '1', type: 'wait', waitTime: 0 }],
    });
    expect((await gantry.waitFor(await gantry.trigger(deploy))).status).toBe('SUCCEEDED');

    const find = (executionOptions: Record<string, boolean>, pipeline = deploy) => ({
      refId: '8',
      type: 'findArtifactFromExecution',
      name: 'Find Baseline Version',
      application: 'sampleapp',
      pipeline,
      executionOptions,
      expectedArtifact: { id: 'baseline', matchArtifact: { kind: 'custom', name: 'sampleapp-config-prod', type: 'kubernetes/configMap' } },
    });
    const canary = await gantry.savePipeline({ application: 'sampleapp', name: 'canary', stages: [find({ successful: true })] });
    const found = await gantry.waitFor(await gantry.trigger(canary));
    expect(found.status).toBe('SUCCEEDED');
    expect(stageOf(found, '8').outputs).toMatchObject({
      resolvedExpectedArtifacts: [{ id: 'baseline', boundArtifact: configMap }],
      artifacts: [configMap],
    });

    const onlyRunning = await gantry.savePipeline({ application: 'sampleapp', name: 'canary of running ones', stages: [find({ running: true })] });
    const none = await gantry.waitFor(await gantry.trigger(onlyRunning));
    expect(none.status).toBe('TERMINAL');
    expect(JSON.stringify(stageOf(none, '8').error)).toContain('no execution (none of pipeline');

    const placeholder = await gantry.savePipeline({ application: 'sampleapp', name: 'canary of a placeholder', stages: [find({ successful: true }, 'SIMPLE_DEPLOY_PIPELINE_ID')] });
    const missing = await gantry.waitFor(await gantry.trigger(placeholder));
    expect(missing.status).toBe('TERMINAL');
    expect(JSON.stringify(stageOf(missing, '8').error)).toContain('pipeline: application sampleapp has no pipeline \\"SIMPLE_DEPLOY_PIPELINE_ID\\"');
  });
});
