import { describe, expect, it } from 'vitest';
import { activeCronTriggers, latestCronTick, matchCronTrigger } from './cron';
import { decideForPipeline, type TriggerCandidate } from './decide';
import { jenkinsBuildEvent, jenkinsNotificationSchema, matchJenkinsTrigger } from './jenkins';
import { MAX_REGEX_CHARS, payloadConstraintIssues, payloadMismatch, readPayloadPath } from './payloadConstraints';
import { matchPipelineTrigger, type FinishedExecution } from './pipelineCompletion';
import { matchWebhookTrigger } from './webhook';

const notification = (build: Record<string, unknown>) =>
  jenkinsNotificationSchema.parse({
    name: 'checkout',
    url: 'job/team/job/checkout/',
    build: {
      full_url: 'http://jenkins.local/job/team/job/checkout/42/',
      number: 42,
      phase: 'COMPLETED',
      status: 'SUCCESS',
      url: 'job/team/job/checkout/42/',
      scm: { url: 'https://github.com/acme/checkout.git', branch: 'origin/main', commit: 'c0ffee' },
      parameters: { VERSION: '1.2.3', EXTRA: 'x' },
      artifacts: { 'target/checkout.jar': { archive: 'http://jenkins.local/job/team/job/checkout/42/artifact/target/checkout.jar' } },
      ...build,
    },
  });

const candidate = (triggers: unknown[], extra: Record<string, unknown> = {}): TriggerCandidate => ({
  pipelineId: '00000000-0000-4000-8000-000000000001',
  application: 'checkout',
  name: 'deploy',
  version: 3,
  definition: { triggers, parameters: [{ name: 'VERSION', required: true }], ...extra },
});

describe('jenkins', () => {
  const event = jenkinsBuildEvent('ci', notification({}));

  it('reads the job name from its folders and builds buildInfo', () => {
    expect(event.job).toBe('team/checkout');
    expect(event.jobNames).toEqual(['team/checkout', 'team/job/checkout']);
    expect(event.buildInfo).toEqual({
      name: 'team/checkout',
      number: 42,
      url: 'http://jenkins.local/job/team/job/checkout/42/',
      result: 'SUCCESS',
      phase: 'COMPLETED',
      scm: { url: 'https://github.com/acme/checkout.git', branch: 'origin/main', commit: 'c0ffee' },
      artifacts: [
        {
          archive: 'http://jenkins.local/job/team/job/checkout/42/artifact/target/checkout.jar',
          fileName: 'checkout.jar',
          relativePath: 'target/checkout.jar',
          url: 'http://jenkins.local/job/team/job/checkout/42/artifact/target/checkout.jar',
        },
      ],
    });
  });

  it('matches master and job, then phase and status', () => {
    const trigger = { type: 'jenkins' as const, enabled: true, master: 'ci', job: 'team/checkout' };
    expect(matchJenkinsTrigger({ ...trigger, master: 'other' }, event)).toEqual({ result: 'irrelevant' });
    expect(matchJenkinsTrigger({ ...trigger, job: 'checkout' }, event)).toEqual({ result: 'irrelevant' });
    expect(matchJenkinsTrigger(trigger, jenkinsBuildEvent('ci', notification({ phase: 'STARTED', status: undefined })))).toEqual({
      result: 'miss',
      reason: 'build #42 is in phase STARTED; the trigger fires on COMPLETED',
    });
    expect(matchJenkinsTrigger(trigger, jenkinsBuildEvent('ci', notification({ status: 'FAILURE' })))).toMatchObject({ result: 'miss' });
    expect(matchJenkinsTrigger({ ...trigger, statuses: ['FAILURE'] }, jenkinsBuildEvent('ci', notification({ status: 'FAILURE' })))).toMatchObject({
      result: 'match',
    });
    expect(matchJenkinsTrigger({ ...trigger, job: 'team/job/checkout', phase: 'FINALIZED' }, jenkinsBuildEvent('ci', notification({ phase: 'FINALIZED' })))).toMatchObject({
      result: 'match',
      trigger: { type: 'jenkins', master: 'ci', job: 'team/job/checkout', user: 'jenkins:ci', buildNumber: 42 },
    });
  });

  it('keeps only declared build parameters and refuses a build without the required ones', () => {
    const match = (trigger: { type: 'jenkins'; enabled: boolean; master: string; job: string }) => matchJenkinsTrigger(trigger, event);
    const decided = decideForPipeline(candidate([{ type: 'jenkins', master: 'ci', job: 'team/checkout' }]), 'jenkins', match);
    expect(decided).toMatchObject({ decision: 'launch', triggerIndex: 0, parameters: { VERSION: '1.2.3' } });
    expect(decided?.decision === 'launch' && decided.parameters).not.toHaveProperty('EXTRA');
    const noVersion = jenkinsBuildEvent('ci', notification({ parameters: {} }));
    expect(
      decideForPipeline(candidate([{ type: 'jenkins', master: 'ci', job: 'team/checkout' }]), 'jenkins', (trigger) => matchJenkinsTrigger(trigger, noVersion)),
    ).toMatchObject({ decision: 'skip', triggerIndex: 0, reason: expect.stringMatching(/parameter "VERSION" is required/) });
  });
});

describe('decideForPipeline', () => {
  const event = jenkinsBuildEvent('ci', notification({}));
  const match = (trigger: Parameters<typeof matchJenkinsTrigger>[0]) => matchJenkinsTrigger(trigger, event);

  it('says why nothing started: disabled trigger, disabled pipeline; and ignores unrelated triggers', () => {
    const ours = { type: 'jenkins', master: 'ci', job: 'team/checkout' };
    expect(decideForPipeline(candidate([{ type: 'cron', expression: '* * * * *' }, { ...ours, job: 'other' }]), 'jenkins', match)).toBeUndefined();
    expect(decideForPipeline(candidate([{ ...ours, enabled: false }]), 'jenkins', match)).toMatchObject({
      decision: 'skip',
      reason: 'trigger 0 is disabled',
    });
    expect(decideForPipeline(candidate([ours], { disabled: true }), 'jenkins', match)).toMatchObject({
      decision: 'skip',
      reason: 'trigger 0: the pipeline is disabled',
    });
    expect(decideForPipeline(candidate([{ ...ours, enabled: false }, ours]), 'jenkins', match)).toMatchObject({ decision: 'launch', triggerIndex: 1 });
  });
});

describe('payload constraints', () => {
  const payload = { ref: 'refs/heads/release-2', repository: { full_name: 'acme/shop', size: 42 }, commits: [{ id: 'a1' }], 'x.y': 1 };

  it('reads dotted paths, array indices and dotted keys', () => {
    expect(readPayloadPath(payload, 'repository.full_name')).toBe('acme/shop');
    expect(readPayloadPath(payload, 'commits.0.id')).toBe('a1');
    expect(readPayloadPath(payload, 'x.y')).toBe(1);
    expect(readPayloadPath(payload, 'repository.owner.login')).toBeUndefined();
  });

  it('matches literals as text and regexes, explaining every mismatch', () => {
    expect(payloadMismatch({ 'repository.size': 42, ref: { regex: '^refs/heads/(main|release-.*)$' } }, payload)).toBeUndefined();
    expect(payloadMismatch({ ref: 'refs/heads/main', missing: 'x', repository: 'acme' }, payload)).toBe(
      '"ref" is "refs/heads/release-2", not "refs/heads/main"; the payload has no "missing"; "repository" is not a single value',
    );
    expect(payloadMismatch({ ref: { regex: '^refs/tags/' } }, payload)).toBe('"ref" is "refs/heads/release-2", which does not match /^refs/tags//');
  });

  it('runs patterns in RE2: a catastrophic-backtracking pattern answers at once', () => {
    // With JavaScript's backtracking engine this test would run for hours (2^40 ways to split the a's).
    const evil = { name: 'a'.repeat(40) + '!' };
    expect(payloadMismatch({ name: { regex: '^(a+)+$' } }, evil)).toBe(`"name" is "${evil.name}", which does not match /^(a+)+$/`);
    expect(payloadMismatch({ name: { regex: '^(a+)+$' } }, { name: 'a'.repeat(40) })).toBeUndefined();
  });

  it('refuses at save time what RE2 cannot run in linear time, and over-long patterns', () => {
    expect(payloadConstraintIssues({ a: { regex: '(x)\\1' }, b: { regex: '(?<=a)b' }, c: { regex: 'x'.repeat(MAX_REGEX_CHARS + 1) } })).toEqual([
      { path: ['a', 'regex'], message: expect.stringMatching(/^invalid regex: .*no backreferences or lookaround/) },
      { path: ['b', 'regex'], message: expect.stringMatching(/^invalid regex: .*no backreferences or lookaround/) },
      { path: ['c', 'regex'], message: `invalid regex: the pattern is longer than ${MAX_REGEX_CHARS} characters` },
    ]);
  });

  it('frees compiled patterns: thousands of distinct patterns do not exhaust the regex heap', () => {
    // re2-wasm's heap is 16 MB outside the garbage collector: undeleted, these broke it after ~1,700.
    const long = 'abcdefgh'.repeat(120);
    for (let i = 0; i < 2500; i++) payloadMismatch({ ref: { regex: `^${i}${long}` } }, payload);
    expect(payloadMismatch({ ref: { regex: '^refs/heads/release-2$' } }, payload)).toBeUndefined();
  });

  it('fires a webhook trigger only with its secret verified', () => {
    const trigger = { type: 'webhook' as const, enabled: true, source: 'github', secret: { ref: 'gh' } };
    const delivery = { source: 'github', payload: { parameters: { VERSION: '2' } }, user: 'webhook:github', deliveryId: 'd1', verifiedSecrets: new Set<string>() };
    expect(matchWebhookTrigger(trigger, delivery)).toMatchObject({ result: 'miss' });
    expect(matchWebhookTrigger(trigger, { ...delivery, verifiedSecrets: new Set(['gh']) })).toMatchObject({
      result: 'match',
      parameters: { VERSION: '2' },
      trigger: { type: 'webhook', source: 'github', deliveryId: 'd1', user: 'webhook:github' },
    });
  });
});

describe('cron', () => {
  it('schedules enabled, valid triggers of an enabled pipeline', () => {
    const triggers = [{ type: 'cron', expression: '0 * * * *' }, { type: 'cron', cronExpression: '*/5 * * * *', timezone: 'Europe/Paris' }, { type: 'cron', expression: '0 * * * *', enabled: false }, { type: 'cron', expression: 'bad' }];
    expect(activeCronTriggers({ triggers })).toEqual([
      { triggerIndex: 0, expression: '0 * * * *', timezone: 'UTC' },
      { triggerIndex: 1, expression: '*/5 * * * *', timezone: 'Europe/Paris' },
    ]);
    expect(activeCronTriggers({ triggers, disabled: true })).toEqual([]);
  });

  it('matches the tick to the trigger it was scheduled for, and guesses a missing tick time', () => {
    const tick = new Date('2026-01-01T10:15:00Z');
    const event = { triggerIndex: 1, expression: '0 */15 * * * *', timezone: 'UTC', tick };
    const trigger = { type: 'cron' as const, enabled: true, expression: '0 */15 * * * *' };
    expect(matchCronTrigger(trigger, 0, event)).toEqual({ result: 'irrelevant' });
    expect(matchCronTrigger({ ...trigger, expression: '0 * * * * *' }, 1, event)).toEqual({ result: 'irrelevant' });
    expect(matchCronTrigger(trigger, 1, event)).toMatchObject({ result: 'match', trigger: { type: 'cron', user: 'cron', scheduledTime: '2026-01-01T10:15:00.000Z' } });
    expect(latestCronTick('0 */15 * * * *', 'UTC', new Date('2026-01-01T10:15:00.400Z'))).toEqual(tick);
    expect(latestCronTick('0 */15 * * * *', 'UTC', tick)).toEqual(tick);
  });
});

describe('pipeline completion', () => {
  const upstream: FinishedExecution = {
    id: 'e1',
    application: 'checkout',
    pipelineId: 'p-build',
    pipelineName: 'build',
    name: 'build',
    status: 'SUCCEEDED',
    trigger: { type: 'manual', user: 'ana' },
  };
  const trigger = { type: 'pipeline' as const, enabled: true, application: 'checkout', pipeline: 'build' };

  it('fires on the listed statuses, by name or id, carrying the parent execution', () => {
    expect(matchPipelineTrigger({ ...trigger, pipeline: 'p-build' }, upstream)).toMatchObject({
      result: 'match',
      trigger: { type: 'pipeline', user: 'ana', parentExecution: { id: 'e1', application: 'checkout', name: 'build', status: 'SUCCEEDED', pipelineId: 'p-build' } },
    });
    expect(matchPipelineTrigger(trigger, { ...upstream, status: 'TERMINAL' })).toMatchObject({ result: 'miss' });
    expect(matchPipelineTrigger({ ...trigger, status: ['failed'] }, { ...upstream, status: 'TERMINAL' })).toMatchObject({ result: 'match' });
    expect(matchPipelineTrigger({ ...trigger, status: ['successful'] }, upstream)).toMatchObject({ result: 'match' });
    expect(matchPipelineTrigger({ ...trigger, application: 'other' }, upstream)).toEqual({ result: 'irrelevant' });
  });

  it('stops a chain that keeps triggering itself', () => {
    expect(matchPipelineTrigger(trigger, { ...upstream, trigger: { type: 'pipeline', depth: 20 } })).toMatchObject({ result: 'miss' });
    expect(matchPipelineTrigger(trigger, { ...upstream, trigger: { type: 'pipeline', depth: 3 } })).toMatchObject({ trigger: { depth: 4 } });
  });
});
