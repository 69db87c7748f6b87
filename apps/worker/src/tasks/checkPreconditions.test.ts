import { describe, expect, it } from 'vitest';
import { checkPreconditionsTask } from './checkPreconditions';
import { MemoryProvider, memoryDirectory } from './cloud/testProvider';
import { makeTaskContext } from './testContext';

const stages = {
  bake: { status: 'SUCCEEDED', outputs: {} },
  deploy: { status: 'TERMINAL', outputs: {} },
};

const run = (preconditions: unknown[]) =>
  checkPreconditionsTask.run(makeTaskContext({ execution: { stages }, stage: { context: { preconditions } } }));

describe('checkPreconditions task', () => {
  it('succeeds when every precondition holds, reporting each', async () => {
    const result = await run([
      { type: 'expression', context: { expression: true } },
      { type: 'expression', context: { expression: 'TRUE' } },
      { type: 'stageStatus', context: { stageRefId: 'bake', stageStatus: 'SUCCEEDED' } },
      { type: 'stageStatus', context: { stageName: 'deploy', stageStatus: ['succeeded', 'terminal'] } },
    ]);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.outputs).toEqual({
      preconditions: [
        { type: 'expression', passed: true, message: 'expression is true' },
        { type: 'expression', passed: true, message: 'expression is true' },
        { type: 'stageStatus', passed: true, message: 'stage "bake" is SUCCEEDED' },
        { type: 'stageStatus', passed: true, message: 'stage "deploy" is TERMINAL' },
      ],
    });
  });

  it('fails TERMINAL when a failing precondition has failPipeline (the default), listing every failure', async () => {
    const result = await run([
      { type: 'expression', context: { expression: false, failureMessage: 'version must be set' } },
      { type: 'expression', context: { expression: true } },
      { type: 'stageStatus', context: { stageRefId: 'deploy', stageStatus: 'SUCCEEDED' }, failPipeline: false },
    ]);
    expect(result.status).toBe('TERMINAL');
    if (result.status !== 'TERMINAL') return;
    expect(result.error).toBe(
      '2 of 3 precondition(s) failed: #1 expression: version must be set; #3 stageStatus: stage "deploy" is TERMINAL, expected SUCCEEDED',
    );
    expect(result.outputs).toEqual({
      preconditions: [
        { type: 'expression', passed: false, message: 'version must be set' },
        { type: 'expression', passed: true, message: 'expression is true' },
        { type: 'stageStatus', passed: false, message: 'stage "deploy" is TERMINAL, expected SUCCEEDED' },
      ],
    });
  });

  it('fails FAILED_CONTINUE when every failing precondition has failPipeline false', async () => {
    const result = await run([
      { type: 'expression', context: { expression: 'false' }, failPipeline: false },
      { type: 'expression', context: { expression: true } },
    ]);
    expect(result.status).toBe('FAILED_CONTINUE');
    if (result.status === 'FAILED_CONTINUE') expect(result.error).toContain('#1 expression: expression is false');
  });

  it('treats a non-boolean expression and an unknown stage as failures', async () => {
    const result = await run([
      { type: 'expression', context: { expression: 'yes' }, failPipeline: false },
      { type: 'stageStatus', context: { stageName: 'Deploy to prod', stageStatus: 'SUCCEEDED' }, failPipeline: false },
    ]);
    expect(result.status).toBe('FAILED_CONTINUE');
    if (result.status !== 'FAILED_CONTINUE') return;
    expect(result.error).toContain('expression did not evaluate to a boolean (got "yes")');
    expect(result.error).toContain('no stage with refId "Deploy to prod" in this execution (stageName is matched against refIds; use stageRefId)');
  });

  it('fails TERMINAL on an unknown type, even when it says failPipeline: false', async () => {
    // Core refuses it when the pipeline is saved; a stage changed since still never lets the
    // pipeline carry on as if the check had passed.
    const result = await run([
      { type: 'expression', context: { expression: true }, failPipeline: false },
      { type: 'instanceCount', context: {}, failPipeline: false },
    ]);
    expect(result.status).toBe('TERMINAL');
    if (result.status !== 'TERMINAL') return;
    expect(result.error).toContain('preconditions.1.type');
    expect(result.error).toContain("Expected 'expression' | 'stageStatus' | 'clusterSize'");
  });

  it('succeeds with no preconditions', async () => {
    expect(await run([])).toEqual({ status: 'SUCCEEDED', outputs: { preconditions: [] } });
  });
});

describe("Spinnaker's clusterSize precondition", () => {
  const provider = new MemoryProvider();
  provider.seed('shop-prod-v000', { enabled: false });
  provider.seed('shop-prod-v001');
  const runAgainst = (context: Record<string, unknown>, failPipeline = true) =>
    checkPreconditionsTask.run(
      makeTaskContext({
        stage: { context: { preconditions: [{ type: 'clusterSize', context: { credentials: 'k8s', cluster: 'shop-prod', regions: ['ns1'], ...context }, failPipeline }] } },
        services: { providers: memoryDirectory(provider) },
      }),
    );

  it('counts the server groups of the cluster in each region through the provider', async () => {
    expect(await runAgainst({ comparison: '==', expected: 2 })).toMatchObject({ status: 'SUCCEEDED', outputs: { preconditions: [{ passed: true }] } });
    expect(await runAgainst({ comparison: '==', expected: 1, onlyEnabledServerGroups: true })).toMatchObject({ status: 'SUCCEEDED' });
    expect(await runAgainst({ comparison: '>', expected: 2 }, false)).toEqual({
      status: 'FAILED_CONTINUE',
      error: '1 of 1 precondition(s) failed: #1 clusterSize: cluster shop-prod: expected > 2 server groups in ns1, found 2: [shop-prod-v000, shop-prod-v001]',
      outputs: { preconditions: [expect.objectContaining({ passed: false })] },
    });
  });

  it('fails naming an account that does not exist (saving did not check it) or a manifest cluster', async () => {
    expect(await runAgainst({ credentials: 'nowhere', expected: 1 })).toMatchObject({ status: 'TERMINAL', error: expect.stringMatching(/unknown account nowhere/) });
    expect(await runAgainst({ cluster: 'replicaSet shop', expected: 1 })).toMatchObject({ status: 'TERMINAL', error: expect.stringMatching(/"replicaSet shop" is not a server group cluster/) });
  });
});
