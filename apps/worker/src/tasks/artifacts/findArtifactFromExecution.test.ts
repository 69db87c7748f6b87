import { describe, expect, it } from 'vitest';
import { makeTaskContext } from '../testContext';
import type { TaskServices } from '../Task';
import { findArtifactFromExecutionTask } from './findArtifactFromExecution';

const configMap = { type: 'kubernetes/configMap', name: 'sampleapp-config-prod', reference: 'sampleapp-config-prod-v003' };
const stageContext = {
  application: 'sampleapp',
  pipeline: 'deploy-prod',
  executionOptions: { successful: true, terminal: true },
  expectedArtifact: { id: 'baseline', matchArtifact: { type: 'kubernetes/configMap', name: 'sampleapp-config-prod' } },
};

function context(latestExecution: TaskServices['latestExecution'], overrides: { context?: Record<string, unknown>; permissions?: TaskServices['permissions']; trigger?: Record<string, unknown> } = {}) {
  return makeTaskContext({
    execution: { application: 'sampleapp', pipelineId: 'canary-pipeline', trigger: overrides.trigger ?? { type: 'manual', user: 'alice', userRoles: ['dev'] } },
    stage: { type: 'findArtifactFromExecution', refId: '8', context: { ...stageContext, ...overrides.context } },
    task: { name: 'findArtifactFromExecution' },
    services: { latestExecution, ...(overrides.permissions === undefined ? {} : { permissions: overrides.permissions }) },
  });
}

describe('findArtifactFromExecution task', () => {
  it('asks for the latest execution in the admitted statuses and binds the expected artifact from its stages', async () => {
    const asked: unknown[] = [];
    const result = await findArtifactFromExecutionTask.run(
      context(async (input) => {
        asked.push(input);
        return { pipelineId: 'deploy-pipeline', execution: { id: 'e1', trigger: {}, stages: [{ refId: '1', outputs: { artifacts: [configMap] } }] } };
      }),
    );
    expect(asked).toEqual([{ application: 'sampleapp', pipeline: 'deploy-prod', statuses: ['SUCCEEDED', 'TERMINAL'] }]);
    expect(result).toEqual({
      status: 'SUCCEEDED',
      outputs: { resolvedExpectedArtifacts: [expect.objectContaining({ id: 'baseline', boundArtifact: configMap })], artifacts: [configMap], executionId: 'e1' },
    });
  });

  it('leaves out what this very stage bound when it reads its own pipeline', async () => {
    const result = await findArtifactFromExecutionTask.run(
      context(async () => ({ pipelineId: 'canary-pipeline', execution: { id: 'e0', trigger: {}, stages: [{ refId: '8', outputs: { artifacts: [configMap] } }] } })),
    );
    expect(result).toMatchObject({ status: 'TERMINAL', error: expect.stringMatching(/^expectedArtifacts: expected artifact "baseline" matches none of the 0 artifacts of execution e0/) });
  });

  it('fails naming the pipeline that does not exist, and says when no execution qualifies', async () => {
    expect(await findArtifactFromExecutionTask.run(context(async () => null))).toEqual({ status: 'TERMINAL', error: 'pipeline: application sampleapp has no pipeline "deploy-prod"' });
    expect(await findArtifactFromExecutionTask.run(context(async () => ({ pipelineId: 'p', execution: null })))).toMatchObject({
      status: 'TERMINAL',
      error: expect.stringContaining('no execution (none of pipeline "deploy-prod" is SUCCEEDED or TERMINAL)'),
    });
    expect(await findArtifactFromExecutionTask.run(context(async () => null, { context: { executionOptions: {} } }))).toMatchObject({ status: 'TERMINAL', error: expect.stringMatching(/^executionOptions:/) });
  });

  it("needs READ on another application before reading its executions", async () => {
    const permissions = { grants: async () => [{ role: 'dev', kind: 'application' as const, name: 'sampleapp', actions: ['EXECUTE' as const] }], serviceAccount: async () => undefined };
    const never = async () => {
      throw new Error('must not read');
    };
    expect(await findArtifactFromExecutionTask.run(context(never, { context: { application: 'billing' }, permissions }))).toEqual({
      status: 'TERMINAL',
      error: 'application: alice lacks READ on application billing, needed to read its executions',
    });
  });
});
