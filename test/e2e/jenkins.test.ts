import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeJenkins, type FakeJenkins } from '../fakes/jenkins';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';

/**
 * The jenkins stage (issue 19, item 5) through the engine against a wire-format Jenkins: crumbs,
 * 201 + Location queue items, folders, property files, stop; the master configured like an
 * account, its API token a secret.
 */
describe('jenkins stage through the engine', () => {
  let gantry: TestGantry;
  let jenkins: FakeJenkins;

  beforeAll(async () => {
    jenkins = await startFakeJenkins({
      user: 'spinnaker',
      apiToken: '11aa22bb33cc',
      queueDelayMs: 30,
      jobs: {
        'team/app': {
          parameters: [{ name: 'VERSION' }, { name: 'FLAVOR', type: 'ChoiceParameterDefinition', choices: ['plain', 'fancy'] }, { name: 'GANTRY_EXECUTION_ID' }],
          artifacts: { 'out/build.properties': 'version=${VERSION}\nflavor=${FLAVOR}\nbuilt=#${BUILD_NUMBER}\n' },
          scm: { branch: 'origin/main', sha1: '0f1e2d3c', remoteUrl: 'https://git.example.com/team/app.git' },
          durationMs: 60,
        },
        broken: { result: 'FAILURE', durationMs: 20 },
        flaky: { result: 'UNSTABLE', durationMs: 20 },
        slow: { durationMs: 600_000 },
        held: { holdInQueue: true },
        // The job of the real pipeline below: no parameters, so it is queued through `build`.
        'springboot-microservice-build': { durationMs: 20 },
      },
    });
    gantry = await startTestGantry({
      jenkinsMasters: [
        { name: 'ci', address: jenkins.url, username: 'spinnaker', apiTokenSecret: 'jenkins-ci-token' },
        { name: 'k8s-jenkins', address: jenkins.url, username: 'spinnaker', apiTokenSecret: 'jenkins-ci-token' },
      ],
      secrets: { 'jenkins-ci-token': '11aa22bb33cc' },
    });
  });
  afterAll(async () => {
    await gantry?.stop();
    await jenkins?.close();
  });

  const save = (stages: unknown[]) => gantry.savePipeline({ application: 'ci', name: `j-${Math.random().toString(36).slice(2, 10)}`, stages });
  const run = async (stages: unknown[]) => gantry.waitFor(await gantry.trigger(await save(stages)));

  it('runs a job in a folder with parameters, and a later stage reads version from its property file', async () => {
    const execution = await run([
      {
        refId: 'build',
        type: 'jenkins',
        master: 'ci',
        job: 'team/app',
        parameters: { VERSION: '1.4.2', FLAVOR: 'fancy' },
        propertyFile: 'out/build.properties',
        expectedArtifacts: [{ id: 'app-image', matchArtifact: { type: 'docker/image', name: 'registry/app' } }],
      },
      { refId: 'after', type: 'evaluateVariables', requisiteStageRefIds: ['build'], variables: [{ key: 'deployed', value: '${stages.build.outputs.version}' }] },
    ]);
    expect(execution.status).toBe('SUCCEEDED');
    const build = stageOf(execution, 'build');
    expect(build.outputs).toMatchObject({
      version: '1.4.2',
      flavor: 'fancy',
      propertyFileContents: { version: '1.4.2', flavor: 'fancy' },
      expectedArtifacts: [{ id: 'app-image', matchArtifact: { type: 'docker/image', name: 'registry/app' } }],
      buildInfo: {
        name: 'team/app',
        result: 'SUCCESS',
        building: false,
        url: expect.stringMatching(/\/job\/team\/job\/app\/\d+\/$/),
        artifacts: [{ relativePath: 'out/build.properties', fileName: 'build.properties' }],
        scm: [{ name: 'main', branch: 'origin/main', sha1: '0f1e2d3c', remoteUrl: 'https://git.example.com/team/app.git' }],
      },
    });
    expect(stageOf(execution, 'after').outputs).toMatchObject({ deployed: '1.4.2' });
    // One build, carrying the stage's parameters and the attempt that queued it.
    const builds = jenkins.builds('team/app').filter((b) => b.parameters?.VERSION === '1.4.2');
    expect(builds).toHaveLength(1);
    expect(builds[0]?.parameters?.GANTRY_EXECUTION_ID).toMatch(new RegExp(`^${execution.id}:${build.id}:\\d+$`));
    // The POST went to buildWithParameters of the folder's job, with a crumb (the fake refuses it otherwise).
    expect(jenkins.requests().some((r) => r.method === 'POST' && r.path === '/job/team/job/app/buildWithParameters')).toBe(true);
  });

  it("runs the jenkins stage of a real Spinnaker pipeline (opencloudcx's springboot pipeline) as it is written", async () => {
    const pipeline = JSON.parse(readFileSync(new URL('../fixtures/spinnaker/opencloudcx-springboot-pipeline.json', import.meta.url), 'utf8')) as { stages: Record<string, unknown>[] };
    const stage = pipeline.stages.find((candidate) => candidate.type === 'jenkins')!;
    const execution = await run([stage]);
    expect(execution.status).toBe('SUCCEEDED');
    expect(stageOf(execution, String(stage.refId)).outputs).toMatchObject({ buildInfo: { name: 'springboot-microservice-build', result: 'SUCCESS' } });
    expect(jenkins.requests().filter((r) => r.method === 'POST' && r.path === '/job/springboot-microservice-build/build')).toHaveLength(1);
  });

  it('fails the stage for a FAILURE build, naming the build URL', async () => {
    const execution = await run([{ refId: 'build', type: 'jenkins', master: 'ci', job: 'broken' }]);
    expect(execution.status).toBe('TERMINAL');
    const stage = stageOf(execution, 'build');
    expect(String(stage.error?.message)).toMatch(/job broken on Jenkins master ci: build #\d+ ended FAILURE \(http:\/\/127\.0\.0\.1:\d+\/job\/broken\/\d+\/\)/);
    expect(stage.outputs).toMatchObject({ buildInfo: { result: 'FAILURE' } });
  });

  it('fails an UNSTABLE build, and succeeds it with markUnstableAsSuccessful', async () => {
    const strict = await run([{ refId: 'build', type: 'jenkins', master: 'ci', job: 'flaky' }]);
    expect(strict.status).toBe('TERMINAL');
    expect(String(stageOf(strict, 'build').error?.message)).toMatch(/ended UNSTABLE/);
    const lenient = await run([{ refId: 'build', type: 'jenkins', master: 'ci', job: 'flaky', markUnstableAsSuccessful: true }]);
    expect(lenient.status).toBe('SUCCEEDED');
    expect(stageOf(lenient, 'build').outputs).toMatchObject({ buildInfo: { result: 'UNSTABLE' } });
  });

  it('a cancel stops the running build', async () => {
    const executionId = await gantry.trigger(await save([{ refId: 'build', type: 'jenkins', master: 'ci', job: 'slow' }]));
    await gantry.waitFor(executionId, (e) => typeof stageOf(e, 'build').outputs.buildNumber === 'number' && e.stages.some((s) => s.tasks.some((t) => t.name === 'monitorJenkinsJob' && t.status === 'RUNNING')));
    const canceled = await gantry.request('POST', `/api/v1/executions/${executionId}/cancel`, { reason: 'not this one' });
    expect(canceled.status).toBe(202);
    const execution = await gantry.waitFor(executionId);
    expect(execution.status).toBe('CANCELED');
    const stage = stageOf(execution, 'build');
    const number = stage.outputs.buildNumber as number;
    expect(jenkins.stops()).toContain(`slow #${number}`);
    expect(jenkins.builds('slow').find((b) => b.number === number)).toMatchObject({ result: 'ABORTED', building: false });
    expect(stage.outputs).toMatchObject({ jenkinsStopped: { buildNumber: number } });
    expect(stage.tasks.filter((t) => t.onFailure).map((t) => [t.name, t.status])).toEqual([['stopJenkinsJob', 'SUCCEEDED']]);
  });

  it('a cancel takes a build still in the queue out of it', async () => {
    const executionId = await gantry.trigger(await save([{ refId: 'build', type: 'jenkins', master: 'ci', job: 'held' }]));
    await gantry.waitFor(executionId, (e) => typeof stageOf(e, 'build').outputs.queuedBuild === 'number');
    await gantry.request('POST', `/api/v1/executions/${executionId}/cancel`, {});
    const execution = await gantry.waitFor(executionId);
    expect(execution.status).toBe('CANCELED');
    const item = jenkins.queueItems().find((i) => i.id === stageOf(execution, 'build').outputs.queuedBuild);
    expect(item).toMatchObject({ job: 'held', cancelled: true });
    expect(item?.buildNumber).toBeUndefined();
  });

  it('fails the stage naming a queue item cancelled in Jenkins', async () => {
    const executionId = await gantry.trigger(await save([{ refId: 'build', type: 'jenkins', master: 'ci', job: 'held' }]));
    const queued = await gantry.waitFor(executionId, (e) => typeof stageOf(e, 'build').outputs.queuedBuild === 'number');
    const id = stageOf(queued, 'build').outputs.queuedBuild as number;
    jenkins.cancelQueueItem(id);
    const execution = await gantry.waitFor(executionId);
    expect(execution.status).toBe('TERMINAL');
    expect(String(stageOf(execution, 'build').error?.message)).toBe(`job held on Jenkins master ci: queue item ${id} was cancelled in Jenkins before it started`);
  });

  it('saves a stage naming an unknown job or master; running it fails naming them', async () => {
    const noJob = await run([{ refId: 'build', type: 'jenkins', master: 'ci', job: 'team/nope' }]);
    expect(noJob.status).toBe('TERMINAL');
    expect(String(stageOf(noJob, 'build').error?.message)).toBe('Jenkins master ci has no job team/nope');
    const noMaster = await run([{ refId: 'build', type: 'jenkins', master: 'elsewhere', job: 'team/app' }]);
    expect(noMaster.status).toBe('TERMINAL');
    expect(String(stageOf(noMaster, 'build').error?.message)).toMatch(/no Jenkins master named elsewhere is configured/);
  });

  it('refuses a choice the job does not offer, and parameters for a job that takes none', async () => {
    const badChoice = await run([{ refId: 'build', type: 'jenkins', master: 'ci', job: 'team/app', parameters: { FLAVOR: 'spicy' } }]);
    expect(String(stageOf(badChoice, 'build').error?.message)).toMatch(/"spicy" is not a choice of parameter FLAVOR \(choices: plain, fancy\)/);
    const extra = await run([{ refId: 'build', type: 'jenkins', master: 'ci', job: 'broken', parameters: { X: '1' } }]);
    expect(String(stageOf(extra, 'build').error?.message)).toMatch(/job broken on Jenkins master ci takes no parameters, but the stage passes X/);
  });

  it('fails naming the master when Jenkins refuses the API token', async () => {
    const wrong = await startTestGantry({
      jenkinsMasters: [{ name: 'ci', address: jenkins.url, username: 'spinnaker', apiTokenSecret: 'jenkins-ci-token' }],
      secrets: { 'jenkins-ci-token': 'not-the-token' },
    });
    try {
      const id = await wrong.savePipeline({ application: 'ci', name: 'wrong-token', stages: [{ refId: 'build', type: 'jenkins', master: 'ci', job: 'team/app' }] });
      const execution = await wrong.waitFor(await wrong.trigger(id));
      expect(execution.status).toBe('TERMINAL');
      expect(String(stageOf(execution, 'build').error?.message)).toMatch(/Jenkins master ci refused the credentials .*\(401\)/);
    } finally {
      await wrong.stop();
    }
  });

  it('with waitForCompletion false, ends once the build started', async () => {
    const execution = await run([{ refId: 'build', type: 'jenkins', master: 'ci', job: 'slow', waitForCompletion: false }]);
    expect(execution.status).toBe('SUCCEEDED');
    const stage = stageOf(execution, 'build');
    expect(stage.tasks.map((t) => t.name)).toEqual(['startJenkinsJob', 'waitForJenkinsJobStart']);
    expect(stage.outputs).toMatchObject({ buildNumber: expect.any(Number), buildInfo: { building: true } });
  });
});
