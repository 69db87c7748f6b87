import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kayentaSchedule } from '@gantry/canary';
import { describe, expect, it } from 'vitest';
import { kayentaCanaryFieldsSchema, kayentaCanaryStage, kayentaClusterOf, kayentaScheduleInputOf } from './kayentaCanary';

const CORPUS = join(__dirname, '../../../../test/fixtures/spinnaker');
const kayentaStageOf = (file: string): unknown => {
  const pipeline = JSON.parse(readFileSync(join(CORPUS, file), 'utf8')) as { stages: { type: string }[] };
  return pipeline.stages.find((stage) => stage.type === 'kayentaCanary');
};
const T0 = Date.parse('2026-12-05T12:00:00Z');
const MIN = 60_000;

describe('kayentaCanaryFieldsSchema', () => {
  it('reads the real codelab pipeline\'s stage (numeric text, null thresholds, PT0H5M) into one five-minute interval', () => {
    const fields = kayentaCanaryFieldsSchema.parse(kayentaStageOf('solutions-kayenta-automated-canary-1-10.json'));
    expect(fields.analysisType).toBe('realTime');
    expect(fields.canaryConfig.scoreThresholds).toEqual({ marginal: null, pass: null });
    expect(fields.canaryConfig.scopes[0]).toMatchObject({ scopeName: 'default', controlScope: 'sampleapp-baseline', experimentScope: 'sampleapp-canary', step: 60 });
    const schedule = kayentaSchedule(kayentaScheduleInputOf(fields), T0);
    expect(schedule).toEqual({ ok: true, intervals: [{ index: 1, startMs: T0, endMs: T0 + 5 * MIN, notBeforeMs: T0 + 5 * MIN }] });
  });

  const base = { canaryConfig: { canaryConfigId: 'cfg', scopes: [{ controlScope: 'a-baseline', experimentScope: 'a-canary' }], lifetimeHours: '1', canaryAnalysisIntervalMins: 15 } };

  it('keeps a scope\'s step of 0 for the metrics store, as Kayenta does (tf-spinnaker\'s real stage), and refuses a negative one', () => {
    expect(kayentaCanaryFieldsSchema.parse(kayentaStageOf('dippynark-goldengoose-deploy.json')).canaryConfig.scopes[0]?.step).toBe(0);
    const negative = kayentaCanaryFieldsSchema.safeParse({ canaryConfig: { ...base.canaryConfig, scopes: [{ ...base.canaryConfig.scopes[0], step: -1 }] } });
    expect(negative.success === false && negative.error.issues[0]?.path).toEqual(['canaryConfig', 'scopes', 0, 'step']);
  });

  // Orca's Deployments as Deck writes them (keel's generated stage has the same keys): scopes without names, the region as availabilityZones' key.
  const pair = {
    control: { cloudProvider: 'aws', account: 'prod', availabilityZones: { 'us-east-1': ['us-east-1a'] }, application: 'shop', stack: 'control', capacity: { min: 1, max: 1, desired: 1 } },
    experiment: { cloudProvider: 'aws', account: 'prod', availabilityZones: { 'us-east-1': ['us-east-1a'] }, application: 'shop', stack: 'experiment', image: 'ami-2' },
  };
  const automatic = {
    analysisType: 'realTimeAutomatic',
    canaryConfig: { canaryConfigId: 'cfg', scopes: [{ scopeName: 'default' }], lifetimeDuration: 'PT1H' },
    deployments: { baseline: { cloudProvider: 'aws', application: 'shop', account: 'prod', cluster: 'shop-prod' }, serverGroupPairs: [pair], delayBeforeCleanup: 'PT3H' },
  };

  it('reads realTimeAutomatic\'s deployments: pairs in Spinnaker\'s server group shape, the cleanup delay as Orca\'s Duration', () => {
    const fields = kayentaCanaryFieldsSchema.parse(automatic);
    expect(fields.deployments?.delayBeforeCleanup).toBe(3 * 3600);
    expect(fields.deployments && kayentaClusterOf(fields.deployments.serverGroupPairs[0]!.control)).toEqual({ account: 'prod', cluster: 'shop-control', location: 'us-east-1' });
    expect(kayentaCanaryFieldsSchema.parse({ ...automatic, deployments: { ...automatic.deployments, delayBeforeCleanup: 120 } }).deployments?.delayBeforeCleanup).toBe(120);
    expect(kayentaCanaryStage.tasks(fields)).toEqual(['determineKayentaServerGroups', 'createKayentaServerGroups', 'waitForKayentaServerGroups', 'runKayentaCanary', 'cleanupKayentaServerGroups']);
    expect(kayentaCanaryStage.onFailureTasks?.(fields)).toEqual(['cleanupKayentaServerGroups']);
    expect(kayentaCanaryStage.cancelTasks?.(fields)).toEqual(['destroyKayentaServerGroups']);
    const realTime = kayentaCanaryFieldsSchema.parse(base);
    expect([kayentaCanaryStage.tasks(realTime), kayentaCanaryStage.onFailureTasks?.(realTime), kayentaCanaryStage.cancelTasks?.(realTime)]).toEqual([['runKayentaCanary'], [], []]);
  });

  it('defaults Orca\'s thresholds and reads lifetimeHours', () => {
    const fields = kayentaCanaryFieldsSchema.parse(base);
    expect(fields.canaryConfig.scoreThresholds).toEqual({ marginal: 50, pass: 75 });
    const schedule = kayentaSchedule(kayentaScheduleInputOf(fields), T0);
    expect(schedule.ok && schedule.intervals.length).toBe(4);
  });

  it.each([
    [{ ...base, analysisType: 'realTimeAutomatic' }, 'deployments', /realTimeAutomatic needs deployments/],
    [{ ...base, analysisType: 'later' }, 'analysisType', /one of realTime, realTimeAutomatic, retrospective/],
    [{ canaryConfig: { ...base.canaryConfig, scopes: [{ controlScope: 'a' }] } }, 'canaryConfig.scopes.0.experimentScope', /only realTimeAutomatic fills it/],
    [{ ...automatic, deployments: { ...automatic.deployments, serverGroupPairs: [] } }, 'deployments.serverGroupPairs', /at least one control\/experiment pair/],
    [{ ...automatic, deployments: { ...automatic.deployments, serverGroupPairs: [{ control: pair.control, experiment: pair.control }] } }, 'deployments.serverGroupPairs.0.experiment.image', /needs the image it runs/],
    [{ ...automatic, deployments: { ...automatic.deployments, delayBeforeCleanup: 'an hour' } }, 'deployments.delayBeforeCleanup', /ISO-8601 duration/],
    [{ ...base, analysisType: 'retrospective' }, 'canaryConfig.scopes.0.startTimeIso', /window it looks back at/],
    [{ canaryConfig: { ...base.canaryConfig, lifetimeHours: undefined } }, 'canaryConfig.lifetimeDuration', /needs lifetimeDuration/],
    [{ canaryConfig: { ...base.canaryConfig, lifetimeDuration: '1 hour' } }, 'canaryConfig.lifetimeDuration', /ISO-8601 duration/],
    [{ canaryConfig: { ...base.canaryConfig, canaryConfigId: '' } }, 'canaryConfig.canaryConfigId', /empty/],
    [{ canaryConfig: { ...base.canaryConfig, canaryConfigId: undefined } }, 'canaryConfig.canaryConfigId', /either canaryConfigId .* or canaryConfig/],
    [{ canaryConfig: { ...base.canaryConfig, canaryConfig: { name: 'x', metrics: [] } } }, 'canaryConfig.canaryConfig.metrics', /at least one metric/],
    [{ canaryConfig: { ...base.canaryConfig, scoreThresholds: { marginal: 150 } } }, 'canaryConfig.scoreThresholds.marginal', /100/],
    [{ canaryConfig: { ...base.canaryConfig, scopes: [{ controlScope: 'a', experimentScope: 'b', startTimeIso: 'noon' }] } }, 'canaryConfig.scopes.0.startTimeIso', /ISO-8601 instant/],
  ])('refuses %j naming %s', (stage, path, message) => {
    const result = kayentaCanaryFieldsSchema.safeParse(stage);
    expect(result.success).toBe(false);
    const issue = result.error?.issues.find((i) => i.path.join('.') === path);
    expect(issue?.message).toMatch(message);
  });
});
