import { describe, expect, it } from 'vitest';
import * as core from './index';

describe('@gantry/core entry point', () => {
  it('registers the built-in stage types on import', () => {
    expect(core.listStageTypes().map((stageType) => stageType.type)).toEqual([
      'wait',
      'manualJudgment',
      'checkPreconditions',
      'evaluateVariables',
      'webhook',
      'pipeline',
      'bake',
      'findImage',
      'findAmi',
      'deploy',
      'canary',
      'abTest',
      'cloneServerGroup',
      'resizeServerGroup',
      'enableServerGroup',
      'disableServerGroup',
      'destroyServerGroup',
      'rollbackCluster',
      'chaos',
      'deployManifest',
      'deleteManifest',
      'scaleManifest',
      'patchManifest',
      'undoRolloutManifest',
      'rollingRestartManifest',
      'findArtifactsFromResource',
      'enableManifest',
      'disableManifest',
      'runJobManifest',
      'bakeManifest',
      'syncManifests',
      'jenkins',
      'findArtifactFromExecution',
      'savePipeline',
      'kayentaCanary',
    ]);
  });

  it('plans the documented tasks for each built-in type', () => {
    const plan = (type: string, fields: Record<string, unknown>) => {
      const stageType = core.getStageType(type);
      if (stageType === undefined) throw new Error(`no ${type}`);
      return stageType.tasks(stageType.fields.parse(fields));
    };
    expect(plan('wait', { waitTime: 1 })).toEqual(['wait']);
    expect(plan('manualJudgment', {})).toEqual(['waitForJudgment']);
    expect(plan('checkPreconditions', { preconditions: [] })).toEqual(['checkPreconditions']);
    expect(plan('evaluateVariables', { variables: [] })).toEqual(['evaluateVariables']);
    expect(plan('webhook', { url: 'https://x' })).toEqual(['createWebhook']);
    expect(plan('webhook', { url: 'https://x', waitForCompletion: true, statusJsonPath: '$.s' })).toEqual([
      'createWebhook',
      'monitorWebhook',
    ]);
    expect(plan('pipeline', { application: 'a', pipeline: 'p' })).toEqual(['startPipeline', 'monitorPipeline']);
    expect(plan('pipeline', { application: 'a', pipeline: 'p', waitForCompletion: false })).toEqual(['startPipeline']);
    const cluster = { account: 'k', application: 'a', strategy: 'highlander', image: 'i', capacity: { min: 1, max: 1, desired: 1 } };
    expect(plan('deploy', { cluster })).toEqual([
      'determineServerGroupName',
      'createServerGroup',
      'waitForUpInstances',
      'enableServerGroup',
      'disableOldServerGroups',
      'destroyOldServerGroups',
    ]);
    const target = { account: 'k', cluster: 'a', target: 'current' };
    expect(plan('resizeServerGroup', { ...target, capacity: { min: 1, max: 1, desired: 1 } })).toEqual([
      'determineTargetServerGroup',
      'resizeServerGroup',
      'waitForCapacityMatch',
    ]);
    expect(plan('enableServerGroup', target)).toEqual(['determineTargetServerGroup', 'enableServerGroup']);
    expect(plan('disableServerGroup', target)).toEqual(['determineTargetServerGroup', 'disableServerGroup']);
    expect(plan('destroyServerGroup', target)).toEqual(['determineTargetServerGroup', 'disableServerGroup', 'destroyServerGroup']);
    expect(plan('chaos', { ...target, count: 1 })).toEqual(['determineTargetServerGroup', 'chooseChaosVictims', 'terminateChaosVictims', 'waitForChaosRecovery']);
    expect(plan('chaos', { ...target, percentage: 30, dryRun: true })).toEqual(['determineTargetServerGroup', 'chooseChaosVictims']);
  });

  it('exports the model, keeping status and errors', () => {
    for (const name of [
      'parsePipelineDefinition',
      'pipelineDefinitionSchema',
      'validateDag',
      'topologicalOrder',
      'downstreamOf',
      'initialStages',
      'resolveParameters',
      'evaluateExpression',
      'resolveExpressions',
      'isExpressionTrue',
      'ExpressionError',
      'registerStageType',
      'exprOr',
      'ValidationError',
      'STATUSES',
    ]) {
      expect(core, name).toHaveProperty(name);
    }
  });
});
