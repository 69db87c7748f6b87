import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { NAMESPACE, SETTLED, deploymentsOf, deployStage, redBlackDeployStage, servedServerGroups, testRegistry } from '../support/serverGroups';
import { asUser } from '../../apps/api/src/testSupport';
import { deployPolicySchema } from '../../packages/core/src';
import { accountSchema } from '../../packages/providers/src';
import type { ExecutionDetail } from '../../packages/store/src';

// One queue backend: these tests are about the policy; the engine suites cover both backends.
const backend = QUEUE_BACKENDS[0] ?? 'redis';

interface AuditEvent {
  type: string;
  actor: string | null;
  data: Record<string, unknown>;
}

describe(`deploy policy on Kubernetes (fake API server, ${backend} queue)`, () => {
  let fake: FakeKubernetes;
  let gantry: TestGantry;
  const started = Date.now();
  const iso = (offsetMs: number) => new Date(started + offsetMs).toISOString();
  // The short window ends this long after Gantry started; its test runs first.
  const THAW_MS = 8_000;
  let thawEnds: string;

  beforeAll(async () => {
    fake = await startFakeKubernetes({ readyDelayMs: 100 });
    thawEnds = new Date(Date.now() + THAW_MS).toISOString();
    const k8s = accountSchema.parse({ name: 'k8s', provider: 'kubernetes', server: fake.url, namespace: NAMESPACE, tags: ['prod'] });
    const staging = accountSchema.parse({ name: 'k8s-staging', provider: 'kubernetes', server: fake.url, namespace: NAMESPACE, tags: ['staging'] });
    const deployPolicy = deployPolicySchema.parse({
      trafficGuards: { guarded: [{ account: 'k8s', stack: 'prod' }] },
      freezeWindows: [
        // In force for the whole test run: stages of `frozen` wait (until an admin overrides).
        { name: 'launch week', reason: 'the launch', applications: ['frozen'], action: 'wait', ranges: [{ start: iso(-3_600_000), end: iso(3_600_000) }] },
        { name: 'audit', applications: ['icy'], accounts: ['k8s'], action: 'fail', ranges: [{ start: iso(-3_600_000), end: iso(3_600_000) }] },
        // Ends a few seconds into the run: stages of `thaw` wait it out by themselves.
        { name: 'short', applications: ['thaw'], ranges: [{ start: iso(-3_600_000), end: thawEnds }] },
      ],
      rules: [
        {
          name: 'prod-needs-judgment',
          expression: `stages.all(s, !(s.type in ['deploy', 'canary']) || !('prod' in s.accountTags) || 'manualJudgment' in s.upstreamTypes)`,
          message: 'a deploy to a prod account must follow a manualJudgment stage',
        },
      ],
    });
    gantry = await startTestGantry({ backend, providers: testRegistry([k8s, staging]), deployPolicy });
  });
  afterAll(async () => {
    await gantry?.stop();
    await fake?.close();
  });

  const judgment = { refId: 'judge', type: 'manualJudgment', requisiteStageRefIds: [] };
  /** A pipeline of `application` whose deploy-type stages follow a judgment, as the save rule wants. */
  async function pipeline(application: string, stages: Record<string, unknown>[]): Promise<string> {
    return gantry.savePipeline({
      application,
      name: `p-${Math.random().toString(36).slice(2, 10)}`,
      parameters: [{ name: 'version', default: '1' }],
      stages: [judgment, ...stages.map((stage) => ({ ...stage, requisiteStageRefIds: ['judge'] }))],
    });
  }

  /** Triggers, approves the judgment, and returns the execution once `done` says so. */
  async function run(pipelineId: string, parameters: Record<string, unknown> = {}, done?: (execution: ExecutionDetail) => boolean): Promise<ExecutionDetail> {
    const id = await gantry.trigger(pipelineId, parameters);
    await gantry.waitFor(id, (execution) => stageOf(execution, 'judge').status === 'RUNNING');
    expect((await gantry.request('POST', `/api/v1/executions/${id}/stages/judge/judgment`, { judgmentStatus: 'continue' })).status).toBe(202);
    return gantry.waitFor(id, done, 45_000);
  }

  async function events(executionId: string): Promise<AuditEvent[]> {
    return (await gantry.request<{ events: AuditEvent[] }>('GET', `/api/v1/executions/${executionId}/events`)).body.events;
  }

  it('a stage waits out a freeze that ends by itself (a delayed poll), then deploys', async () => {
    const deploy = await pipeline('thaw', [deployStage('thaw', 'web', 'registry.local/thaw:1')]);
    const done = await run(deploy);
    expect(done.status).toBe('SUCCEEDED');
    const freeze = stageOf(done, 'deploy').outputs.freeze as Record<string, unknown>;
    expect(freeze).toMatchObject({ status: 'ended', until: thawEnds });
    expect(new Date(freeze.endedAt as string).getTime()).toBeGreaterThanOrEqual(new Date(thawEnds).getTime());
    expect((await events(done.id)).map((event) => event.type)).toEqual(expect.arrayContaining(['FREEZE_WAITING', 'FREEZE_ENDED']));
    expect(deploymentsOf(fake, 'thaw-web')).toEqual(['thaw-web-v000']);
  });

  it('refuses to save a prod deploy without a judgment before it, naming the rule (POST and PUT)', async () => {
    const definition = { application: 'shop', name: 'no-judgment', stages: [deployStage('shop', 'web', 'registry.local/shop:1')] };
    const created = await gantry.request<{ error: { code: string; message: string; details: unknown } }>('POST', '/api/v1/pipelines', definition);
    expect(created.status).toBe(422);
    expect(created.body.error).toEqual({
      code: 'POLICY_VIOLATION',
      message: 'the deploy policy refuses this pipeline: prod-needs-judgment: a deploy to a prod account must follow a manualJudgment stage',
      details: { violations: [{ rule: 'prod-needs-judgment', message: 'a deploy to a prod account must follow a manualJudgment stage' }] },
    });
    // To a staging account it needs none; a later version moving it to prod is refused and not stored.
    const staging = { ...definition, stages: [{ ...deployStage('shop', 'web', 'x'), cluster: { ...deployStage('shop', 'web', 'x').cluster, account: 'k8s-staging' } }] };
    const id = await gantry.savePipeline(staging);
    expect((await gantry.request('PUT', `/api/v1/pipelines/${id}`, definition)).status).toBe(422);
    expect((await gantry.request<{ version: number }>('GET', `/api/v1/pipelines/${id}`)).body.version).toBe(1);
    // With a judgment upstream the rule is met.
    expect((await gantry.request('PUT', `/api/v1/pipelines/${id}`, { ...definition, stages: [judgment, { ...definition.stages[0], requisiteStageRefIds: ['judge'] }] })).status).toBe(200);
  });

  it('a traffic guard refuses to disable the last serving group of a protected cluster, naming the guard', async () => {
    const deploy = await pipeline('guarded', [deployStage('guarded', 'prod', 'registry.local/guarded:${parameters.version}')]);
    expect((await run(deploy, { version: '1' })).status).toBe('SUCCEEDED');

    const disable = await pipeline('guarded', [{ refId: 'disable', type: 'disableServerGroup', account: 'k8s', namespace: NAMESPACE, cluster: 'guarded-prod', target: 'current' }]);
    const refused = await run(disable);
    expect(refused.status).toBe('TERMINAL');
    expect(stageOf(refused, 'disable').error).toMatchObject({
      task: 'disableServerGroup',
      message:
        'the traffic guard of guarded {account: k8s, location: *, stack: prod, detail: *} protects cluster guarded-prod (account k8s, location ns1): disable of guarded-prod-v000 would leave the cluster with no enabled server group with instances up (serving now: guarded-prod-v000)',
    });
    await vi.waitFor(() => expect(servedServerGroups(fake, 'guarded-prod')).toEqual(['guarded-prod-v000', 'guarded-prod-v000']), SETTLED);
  });

  it("lets a red/black whose new group is up replace the old one, and stops a highlander whose new group serves nothing", async () => {
    const redBlack = await pipeline('guarded', [redBlackDeployStage('guarded', 'rb', 'registry.local/guarded:${parameters.version}')]);
    expect((await run(redBlack, { version: '1' })).status).toBe('SUCCEEDED');
    const second = await run(redBlack, { version: '2' });
    expect(second.status).toBe('SUCCEEDED');
    expect(stageOf(second, 'deploy').outputs).toMatchObject({ disabledServerGroups: ['guarded-rb-v000'] });
    // No window covers this application: the stage plans no freeze check.
    expect(stageOf(second, 'deploy').tasks[0]?.name).toBe('determineServerGroupName');
    await vi.waitFor(() => expect(servedServerGroups(fake, 'guarded-rb')).toEqual(['guarded-rb-v001', 'guarded-rb-v001']), SETTLED);

    // A highlander whose new group came up with no instance: replacing the old group would leave nothing serving.
    const empty = deployStage('guarded', 'prod', 'registry.local/guarded:2');
    const highlander = await pipeline('guarded', [{ ...empty, cluster: { ...empty.cluster, capacity: { min: 0, max: 0, desired: 0 } } }]);
    const stopped = await run(highlander);
    expect(stopped.status).toBe('TERMINAL');
    expect(stageOf(stopped, 'deploy').error).toMatchObject({
      task: 'disableOldServerGroups',
      message: expect.stringContaining('disable of guarded-prod-v000 would leave the cluster with no enabled server group with instances up'),
    });
    await vi.waitFor(() => expect(servedServerGroups(fake, 'guarded-prod')).toEqual(['guarded-prod-v000', 'guarded-prod-v000']), SETTLED);
  });

  it('a freeze window with action wait holds a deploy until an admin overrides it; who and why are audited', async () => {
    const deploy = await pipeline('frozen', [deployStage('frozen', 'web', 'registry.local/frozen:1')]);
    const waiting = await run(deploy, {}, (execution) => stageOf(execution, 'deploy').outputs.freeze !== undefined);
    const stage = stageOf(waiting, 'deploy');
    expect(stage.status).toBe('RUNNING');
    expect(stage.tasks[0]).toMatchObject({ name: 'checkFreezeWindows', status: 'RUNNING' });
    expect(stage.outputs.freeze).toEqual({
      status: 'waiting',
      action: 'wait',
      until: iso(3_600_000),
      windows: [{ window: 'launch week', action: 'wait', reason: 'the launch', until: iso(3_600_000) }],
    });
    expect(deploymentsOf(fake, 'frozen-web')).toEqual([]);

    const url = `/api/v1/executions/${waiting.id}/stages/deploy/overrideFreeze`;
    expect((await gantry.request('POST', url, {})).status).toBe(400);
    expect((await gantry.request('POST', `/api/v1/executions/${waiting.id}/stages/judge/overrideFreeze`, { reason: 'x' })).status).toBe(409);
    // Who may run the pipeline may not lift the freeze: that takes the admin role.
    const deployer = 'policy-test-deployer-token-0123456789';
    await gantry.auth.ensureToken(deployer, { name: 'bob', roles: ['deployers'], createdBy: 'test' });
    await gantry.auth.setRoleGrants('deployers', [{ kind: 'application', name: 'frozen', actions: ['EXECUTE'] }], 'test');
    const refused = await gantry.request<{ error: { code: string } }>('POST', url, { reason: 'please' }, { authorization: `Bearer ${deployer}` });
    expect(refused.status).toBe(403);
    const override = await gantry.request('POST', url, { reason: 'hotfix for the checkout outage' }, asUser('alice'));
    expect(override.status).toBe(202);
    const done = await gantry.waitFor(waiting.id, undefined, 45_000);
    expect(done.status).toBe('SUCCEEDED');
    expect(stageOf(done, 'deploy').outputs.freeze).toMatchObject({ status: 'overridden', overriddenBy: 'alice', reason: 'hotfix for the checkout outage' });
    expect(deploymentsOf(fake, 'frozen-web')).toEqual(['frozen-web-v000']);

    const audit = await events(waiting.id);
    expect(audit.find((event) => event.type === 'FREEZE_WAITING')?.data).toMatchObject({ refId: 'deploy', action: 'wait', until: iso(3_600_000) });
    expect(audit.filter((event) => event.type === 'FREEZE_OVERRIDDEN')).toEqual([
      expect.objectContaining({ actor: 'alice', data: expect.objectContaining({ refId: 'deploy', reason: 'hotfix for the checkout outage' }) }),
    ]);
    // A second override of a stage no longer frozen is refused.
    expect((await gantry.request('POST', url, { reason: 'again' })).status).toBe(409);
  });

  it('a freeze window with action fail fails the stage at once, recorded in the outputs and the audit log', async () => {
    const deploy = await pipeline('icy', [deployStage('icy', 'web', 'registry.local/icy:1')]);
    const failed = await run(deploy);
    expect(failed.status).toBe('TERMINAL');
    const stage = stageOf(failed, 'deploy');
    expect(stage.error).toMatchObject({ task: 'checkFreezeWindows', message: expect.stringMatching(/^frozen: window "audit" until .*; the window says fail/) });
    expect(stage.outputs.freeze).toMatchObject({ status: 'refused', action: 'fail' });
    expect((await events(failed.id)).map((event) => event.type)).toContain('FREEZE_REFUSED');
    expect(deploymentsOf(fake, 'icy-web')).toEqual([]);
  });

});
