import { describe, expect, it } from 'vitest';
import { jenkinsStage } from './jenkins';
import { check } from './testSupport';

describe('jenkins stage', () => {
  it('plans start, wait for start, monitor and the property file with Spinnaker’s defaults', () => {
    expect(check(jenkinsStage, { master: 'ci', job: 'team/app', propertyFile: 'build.properties' })).toEqual({
      ok: true,
      data: { master: 'ci', job: 'team/app', propertyFile: 'build.properties', parameters: {}, waitForCompletion: true, markUnstableAsSuccessful: false, expectedArtifacts: [] },
      tasks: ['startJenkinsJob', 'waitForJenkinsJobStart', 'monitorJenkinsJob', 'getJenkinsBuildProperties'],
    });
  });

  it('reads no property file when there is none ("" as Spinnaker saves it) or when it does not wait', () => {
    expect(check(jenkinsStage, { master: 'ci', job: 'app', propertyFile: '' })).toMatchObject({ tasks: ['startJenkinsJob', 'waitForJenkinsJobStart', 'monitorJenkinsJob'] });
    expect(check(jenkinsStage, { master: 'ci', job: 'app', propertyFile: 'p', waitForCompletion: false })).toMatchObject({ tasks: ['startJenkinsJob', 'waitForJenkinsJobStart'] });
  });

  it('admits expressions anywhere, and parameters of text, numbers, booleans and null', () => {
    expect(check(jenkinsStage, { master: '${parameters.master}', job: 'app', parameters: { A: '${trigger.tag}', B: 3, C: true, D: null } })).toMatchObject({ ok: true });
  });

  it('does not look the master or job up at save time, but refuses a job path with an empty name', () => {
    expect(check(jenkinsStage, { master: 'nowhere', job: 'no/such/job' })).toMatchObject({ ok: true });
    expect(check(jenkinsStage, { master: 'ci', job: 'team//app' })).toMatchObject({ ok: false, issues: [{ path: ['job'] }] });
    expect(check(jenkinsStage, { job: 'app' })).toMatchObject({ ok: false, issues: [{ path: ['master'] }] });
  });

  it('stops the build when the execution is canceled', () => {
    expect(jenkinsStage.cancelTasks?.({} as never)).toEqual(['stopJenkinsJob']);
  });
});
