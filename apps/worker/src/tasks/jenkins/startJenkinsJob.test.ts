import { JenkinsClient } from '@gantry/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeJenkins, type FakeJenkins } from '../../../../../test/fakes/jenkins';
import { makeTaskContext, nextRun, nextTask } from '../testContext';
import { TransientTaskError } from '../Task';
import { getJenkinsBuildPropertiesTask } from './getJenkinsBuildProperties';
import { monitorJenkinsJobTask } from './monitorJenkinsJob';
import { startJenkinsJobTask } from './startJenkinsJob';
import { stopJenkinsJobTask } from './stopJenkinsJob';
import { waitForJenkinsJobStartTask } from './waitForJenkinsJobStart';

/**
 * A worker killed after startJenkinsJob queued the build and before its result committed: the
 * same run comes again (the engine redelivers it with the outputs as they were) and must find the
 * build it queued, not queue a second one. Likewise a cancel arriving in that window.
 */
describe('startJenkinsJob across a crash', () => {
  let jenkins: FakeJenkins;
  beforeAll(async () => {
    jenkins = await startFakeJenkins({
      user: 'u',
      apiToken: 't',
      queueDelayMs: 60_000,
      jobs: {
        marked: { parameters: [{ name: 'VERSION' }, { name: 'GANTRY_EXECUTION_ID' }] },
        plain: { parameters: [{ name: 'VERSION' }] },
        bare: {},
      },
    });
  });
  afterAll(() => jenkins?.close());

  const context = (job: string, parameters: Record<string, string> = {}) =>
    makeTaskContext({
      stage: { id: `stage-${job}`, type: 'jenkins', context: { master: 'ci', job, parameters } },
      task: { name: 'startJenkinsJob' },
      services: { jenkins: (name) => (name === 'ci' ? new JenkinsClient({ master: { name, address: jenkins.url, username: 'u', apiToken: 't' } }) : undefined) },
    });
  const posts = (job: string) => jenkins.requests().filter((r) => r.method === 'POST' && r.path.startsWith(`/job/${job}/build`)).length;

  it.each([
    ['marked', { VERSION: '1' }],
    ['plain', { VERSION: '2' }],
    ['bare', {}],
  ])('job %s: the repeated run after the POST adopts the queued item and posts nothing', async (job, parameters) => {
    const first = context(job, parameters);
    const recorded = await startJenkinsJobTask.run(first);
    expect(recorded).toMatchObject({ status: 'RUNNING', outputs: { jenkinsLaunch: { nextBuildNumber: 1 } } });
    const posting = nextRun(first, recorded);
    const queued = await startJenkinsJobTask.run(posting);
    expect(queued).toMatchObject({ status: 'SUCCEEDED', outputs: { queuedBuild: expect.any(Number) } });
    expect(posts(job)).toBe(1);
    // The worker died before `queued` committed: the engine runs the same step again.
    const again = await startJenkinsJobTask.run(posting);
    expect(again).toEqual(queued);
    expect(posts(job)).toBe(1);
    expect(jenkins.queueItems().filter((item) => item.job === job)).toHaveLength(1);
  });

  it('a cancel in that window finds the queued item through the recorded launch and takes it out of the queue', async () => {
    const first = context('marked', { VERSION: 'cancel-me' });
    const posting = nextRun(first, await startJenkinsJobTask.run(first));
    const queued = await startJenkinsJobTask.run(posting);
    // The start's result is lost; the cancel task sees only the launch record.
    const cancel = nextTask(posting, { status: 'RUNNING', retryAfterMs: 1 }, 'stopJenkinsJob');
    const step = await stopJenkinsJobTask.run(cancel);
    expect(step).toMatchObject({ status: 'RUNNING', outputs: { queuedBuild: queued.outputs?.queuedBuild } });
    const done = await stopJenkinsJobTask.run(nextRun(cancel, step));
    expect(done).toMatchObject({ status: 'SUCCEEDED', outputs: { jenkinsStopped: { queuedBuild: queued.outputs?.queuedBuild } } });
    expect(jenkins.queueItems().find((item) => item.id === queued.outputs?.queuedBuild)).toMatchObject({ cancelled: true });
  });

  it('waitForJenkinsJobStart keeps polling while the item waits, and reports why', async () => {
    const first = context('plain', { VERSION: 'wait' });
    const queued = await startJenkinsJobTask.run(nextRun(first, await startJenkinsJobTask.run(first)));
    const waiting = await waitForJenkinsJobStartTask.run(nextTask(first, queued, 'waitForJenkinsJobStart'));
    expect(waiting).toMatchObject({ status: 'RUNNING', outputs: { queuedBuildWhy: 'In the quiet period.' } });
  });
});

describe('jenkins polling through an outage', () => {
  it('monitorJenkinsJob keeps polling while the master is unreachable, and start lets the engine retry', async () => {
    const gone = await startFakeJenkins({ user: 'u', apiToken: 't', jobs: { app: {} } });
    const address = gone.url;
    await gone.close();
    const ctx = (name: string) =>
      makeTaskContext({
        stage: { type: 'jenkins', context: { master: 'ci', job: 'app' }, outputs: { buildNumber: 3, queuedBuild: 9 } },
        task: { name },
        services: { jenkins: (master) => new JenkinsClient({ master: { name: master, address, username: 'u', apiToken: 't' } }) },
      });
    const polled = await monitorJenkinsJobTask.run(ctx('monitorJenkinsJob'));
    expect(polled).toMatchObject({ status: 'RUNNING', state: { lastError: expect.stringMatching(/^Jenkins master ci could not be reached/) } });
    await expect(startJenkinsJobTask.run(ctx('startJenkinsJob'))).rejects.toThrow(TransientTaskError);
  });
});

describe('jenkins tasks at the edges', () => {
  let jenkins: FakeJenkins;
  beforeAll(async () => {
    jenkins = await startFakeJenkins({ user: 'u', apiToken: 't', queueDelayMs: 0, jobs: { app: { durationMs: 0, artifacts: { 'ok.properties': 'a=1' } } } });
  });
  afterAll(() => jenkins?.close());
  const ctx = (name: string, context: Record<string, unknown>, outputs: Record<string, unknown> = {}) =>
    makeTaskContext({
      stage: { type: 'jenkins', context: { master: 'ci', job: 'app', ...context }, outputs: outputs },
      task: { name },
      services: { jenkins: (master) => new JenkinsClient({ master: { name: master, address: jenkins.url, username: 'u', apiToken: 't' } }) },
    });

  it('the cancel task looks a few times for a build a start still in flight may queue, then ends finding none', async () => {
    let run = ctx('stopJenkinsJob', {}, { jenkinsLaunch: { nextBuildNumber: 50, parameters: null } });
    const results = [];
    for (let i = 0; i < 4; i++) {
      const result = await stopJenkinsJobTask.run(run);
      results.push(result.status);
      run = nextRun(run, result);
    }
    expect(results).toEqual(['RUNNING', 'RUNNING', 'RUNNING', 'SUCCEEDED']);
    expect(jenkins.stops()).toEqual([]);
  });

  it('a property file the build did not archive fails the stage naming it', async () => {
    const start = ctx('startJenkinsJob', {});
    const queued = await startJenkinsJobTask.run(nextRun(start, await startJenkinsJobTask.run(start)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = await waitForJenkinsJobStartTask.run(nextTask(start, queued, 'waitForJenkinsJobStart'));
    const number = started.outputs?.buildNumber;
    expect(number).toEqual(expect.any(Number));
    const missing = await getJenkinsBuildPropertiesTask.run(ctx('getJenkinsBuildProperties', { propertyFile: 'nope.properties' }, { buildNumber: number }));
    expect(missing).toEqual({ status: 'TERMINAL', error: `job app on Jenkins master ci: build #${String(number)} archived no property file nope.properties` });
    const found = await getJenkinsBuildPropertiesTask.run(ctx('getJenkinsBuildProperties', { propertyFile: 'ok.properties' }, { buildNumber: number }));
    expect(found).toEqual({ status: 'SUCCEEDED', outputs: { a: '1', propertyFileContents: { a: '1' } } });
  });
});
