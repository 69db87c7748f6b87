import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { startFakePrometheus, type FakePrometheus } from '../fakes/prometheus';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { NAMESPACE, SETTLED, deploymentsOf, deployStage, gatewayAccount, routeWeights, servedServerGroups, testRegistry } from '../support/serverGroups';
import { PostgresExecutionCommands, type ExecutionDetail, type ExecutionSummary } from '../../packages/store/src';

/**
 * Cancel undoes traffic (issue 15, item 6; Orca's CancellableStage): an execution canceled while a
 * stage has traffic half moved runs the stage's cleanup before it ends CANCELED, so production
 * serves alone again, as a failure's abort leaves it. The fake Kubernetes' HTTPRoute is the traffic.
 */
// Both backends: the re-drive of a lost cancel reads what each queue holds in flight.
describe.each(QUEUE_BACKENDS)("cancel runs the stage's cleanup (Kubernetes with Gateway API weights, %s queue)", (backend) => {
  let fake: FakeKubernetes;
  let prometheus: FakePrometheus;
  let gantry: TestGantry;

  beforeAll(async () => {
    fake = await startFakeKubernetes({ readyDelayMs: 50 });
    prometheus = await startFakePrometheus((_group, index, metric) => (metric === 'error_rate' ? 1 + (index % 5) / 10 : 100 + (index % 7)));
    // The reconciler runs, for the cancel whose message is lost.
    gantry = await startTestGantry({ backend, providers: testRegistry([gatewayAccount(fake, 'k8s-gw')]), reconcileIntervalMs: 1_000 });
  });
  afterAll(async () => {
    await gantry?.stop();
    await prometheus?.close();
    await fake?.close();
  });

  /** Saves a one-stage pipeline of `application` and returns a function that triggers it. */
  async function pipeline(application: string, stage: unknown): Promise<() => Promise<string>> {
    const id = await gantry.savePipeline({ application, name: `p-${Math.random().toString(36).slice(2, 8)}`, stages: [stage] });
    return () => gantry.trigger(id, {});
  }

  function gatewayDeploy(application: string, image: string, cluster: Record<string, unknown> = {}) {
    const stage = deployStage(application, 'web', image);
    return { ...stage, cluster: { ...stage.cluster, account: 'k8s-gw', ...cluster } };
  }

  /** Production: one group taking all traffic, known healthy (a deploy that succeeded). */
  async function production(application: string): Promise<void> {
    const first = await gantry.waitFor(await (await pipeline(application, gatewayDeploy(application, 'registry.local/app:1')))(), undefined, 60_000);
    expect(first.status).toBe('SUCCEEDED');
  }

  /** Cancels through the API; the answer already says canceled, while the execution runs its cleanup. */
  async function cancel(executionId: string): Promise<ExecutionDetail> {
    const response = await gantry.request<ExecutionSummary>('POST', `/api/v1/executions/${executionId}/cancel`, { reason: 'wrong build' });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ status: 'RUNNING', canceled: true, cancellationReason: 'wrong build' });
    // A second cancel of an execution cleaning up is refused, and says why.
    const again = await gantry.request<{ error: { message: string } }>('POST', `/api/v1/executions/${executionId}/cancel`, {});
    expect(again.status).toBe(409);
    expect(JSON.stringify(again.body)).toMatch(/canceled, its stages cleaning up/);
    return gantry.waitFor(executionId, undefined, 60_000);
  }

  const served = (cluster: string) => Object.entries(routeWeights(fake, cluster) ?? {}).filter(([, weight]) => weight > 0);

  it('a canceled canary: production serves alone, baseline and canary are gone, the stage is CANCELED after its abort ran', async () => {
    await production('cnl');
    const canary = {
      refId: 'canary',
      type: 'canary',
      waitForUpTimeoutSec: 20,
      steps: [10, 50],
      // Long enough that only the cancel ends the first step.
      intervalSec: 600,
      stepSec: 1,
      metricSource: { type: 'prometheus', url: prometheus.url },
      canaryConfig: { thresholds: { marginal: 50, pass: 75 }, metrics: [{ name: 'errors', query: 'error_rate{server_group="${scope}"}', direction: 'increase' }] },
      cluster: { account: 'k8s-gw', namespace: NAMESPACE, application: 'cnl', stack: 'web', strategy: 'redblack', image: 'registry.local/app:2', capacity: { min: 2, max: 2, desired: 2 } },
    };
    const executionId = await (await pipeline('cnl', canary))();
    await gantry.waitFor(executionId, () => routeWeights(fake, 'cnl-web')?.['cnl-web-v002'] === 10, 60_000);
    expect(served('cnl-web')).toEqual([['cnl-web-v000', 80], ['cnl-web-v001', 10], ['cnl-web-v002', 10]]);

    const execution = await cancel(executionId);
    expect(execution).toMatchObject({ status: 'CANCELED', canceled: true, canceledBy: 'test-admin' });
    const stage = stageOf(execution, 'canary');
    expect(stage.status).toBe('CANCELED');
    expect(stage.error).toMatchObject({ message: 'execution canceled by test-admin', task: 'runCanaryAnalysis' });
    expect(stage.error).not.toHaveProperty('onFailure');
    expect(stage.outputs).toMatchObject({ canaryAborted: true, canaryRolledBack: true });
    // Its own tasks from the analysis on were canceled; then its abort ran, recorded as cleanup.
    const planned = stage.tasks.filter((task) => !task.onFailure);
    expect(planned.map((task) => task.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', ...planned.slice(2).map(() => 'CANCELED')]);
    expect(planned[2]?.name).toBe('runCanaryAnalysis');
    expect(stage.tasks.filter((task) => task.onFailure).map((task) => [task.name, task.status])).toEqual([['abortCanary', 'SUCCEEDED']]);
    // The cloud, not only the statuses: production alone in the route, baseline and canary destroyed.
    expect(served('cnl-web')).toEqual([['cnl-web-v000', 100]]);
    expect(deploymentsOf(fake, 'cnl-web')).toEqual(['cnl-web-v000']);
    // The cleanup ended before the execution did, and the audit log says the cancel started it.
    const audit = await gantry.database.db.pool.query<{ type: string }>(`SELECT type FROM audit_events WHERE execution_id = $1 ORDER BY id`, [executionId]);
    const types = audit.rows.map((row) => row.type);
    expect(types.indexOf('CANCEL_TASKS_STARTED')).toBeGreaterThan(types.indexOf('EXECUTION_CANCELED'));
    expect(types.at(-1)).toBe('EXECUTION_COMPLETED');
  });

  it('a canceled rolling red/black: the old group takes all traffic again, the new one is disabled, by the deploy’s rollback', async () => {
    await production('roll');
    const executionId = await (
      await pipeline('roll', gatewayDeploy('roll', 'registry.local/app:2', { strategy: 'rollingredblack', targetPercentages: [25, 50, 100], delayBeforeNextStepSec: 600 }))
    )();
    await gantry.waitFor(executionId, () => routeWeights(fake, 'roll-web')?.['roll-web-v001'] === 25, 60_000);
    expect(served('roll-web')).toEqual([['roll-web-v000', 75], ['roll-web-v001', 25]]);

    const execution = await cancel(executionId);
    expect(execution.status).toBe('CANCELED');
    const stage = stageOf(execution, 'deploy');
    expect(stage.status).toBe('CANCELED');
    expect(stage.error).toMatchObject({ message: 'execution canceled by test-admin', task: 'rollTrafficInSteps' });
    expect(stage.outputs).toMatchObject({ restoredServerGroup: 'roll-web-v000', rolledBackServerGroup: 'roll-web-v001', completedPercentages: [] });
    expect(stage.tasks.filter((task) => task.onFailure).map((task) => [task.name, task.status])).toEqual([
      ['determineDeployRollback', 'SUCCEEDED'],
      ['restoreServerGroup', 'SUCCEEDED'],
      ['disableRolledBackServerGroup', 'SUCCEEDED'],
    ]);
    expect(served('roll-web')).toEqual([['roll-web-v000', 100]]);
    await vi.waitFor(() => expect(servedServerGroups(fake, 'roll-web').filter((group) => group !== 'roll-web-v000')).toEqual([]), SETTLED);
    // Kept, out of traffic, for someone to look at: the rollback disables, it does not destroy.
    expect(deploymentsOf(fake, 'roll-web')).toEqual(['roll-web-v000', 'roll-web-v001']);
  });

  it('a canceled red/black waiting before it disables the old group: the old group serves alone', async () => {
    await production('rb');
    const executionId = await (
      await pipeline('rb', gatewayDeploy('rb', 'registry.local/app:2', { strategy: 'redblack', delayBeforeDisableSec: 600 }))
    )();
    await gantry.waitFor(executionId, () => served('rb-web').length === 2, 60_000);

    const execution = await cancel(executionId);
    expect(execution.status).toBe('CANCELED');
    const stage = stageOf(execution, 'deploy');
    expect(stage.status).toBe('CANCELED');
    expect(stage.tasks.filter((task) => task.onFailure).map((task) => [task.name, task.status])).toEqual([
      ['determineDeployRollback', 'SUCCEEDED'],
      ['restoreServerGroup', 'SUCCEEDED'],
      ['disableRolledBackServerGroup', 'SUCCEEDED'],
    ]);
    expect(served('rb-web')).toEqual([['rb-web-v000', 100]]);
  });

  it('a paused rolling red/black, canceled: the cleanup runs all the same, and the old group serves alone', async () => {
    await production('paused');
    const executionId = await (
      await pipeline('paused', gatewayDeploy('paused', 'registry.local/app:2', { strategy: 'rollingredblack', targetPercentages: [50, 100], delayBeforeNextStepSec: 600 }))
    )();
    await gantry.waitFor(executionId, () => routeWeights(fake, 'paused-web')?.['paused-web-v001'] === 50, 60_000);
    expect((await gantry.request('POST', `/api/v1/executions/${executionId}/pause`, {})).status).toBe(202);
    await gantry.waitFor(executionId, (e) => e.status === 'PAUSED' && stageOf(e, 'deploy').status === 'PAUSED');

    const execution = await cancel(executionId);
    expect([execution.status, stageOf(execution, 'deploy').status]).toEqual(['CANCELED', 'CANCELED']);
    expect(stageOf(execution, 'deploy').tasks.filter((task) => task.onFailure).map((task) => task.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(served('paused-web')).toEqual([['paused-web-v000', 100]]);
  });

  it('a stage that fails the pipeline halts a parallel rolling red/black the same way: its traffic is undone before the execution ends', async () => {
    await production('halt');
    const id = await gantry.savePipeline({
      application: 'halt',
      name: 'halt',
      stages: [
        gatewayDeploy('halt', 'registry.local/app:2', { strategy: 'rollingredblack', targetPercentages: [50, 100], delayBeforeNextStepSec: 600 }),
        { refId: 'soak', type: 'wait', waitTime: 3 },
        { refId: 'gate', type: 'checkPreconditions', requisiteStageRefIds: ['soak'], preconditions: [{ type: 'expression', context: { expression: false } }] },
      ],
    });
    const execution = await gantry.waitFor(await gantry.trigger(id, {}), undefined, 60_000);
    expect(execution.status).toBe('TERMINAL');
    expect(stageOf(execution, 'gate').status).toBe('TERMINAL');
    const deploy = stageOf(execution, 'deploy');
    expect(deploy.status).toBe('CANCELED');
    expect(deploy.error).toMatchObject({ message: 'stage gate failed the pipeline' });
    expect(deploy.tasks.filter((task) => task.onFailure).map((task) => task.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(served('halt-web')).toEqual([['halt-web-v000', 100]]);
  });

  it('a cancel whose message was lost (the API died after its commit): the reconciler sends it again and the cleanup runs', async () => {
    await production('lost');
    const executionId = await (
      await pipeline('lost', gatewayDeploy('lost', 'registry.local/app:2', { strategy: 'rollingredblack', targetPercentages: [50, 100], delayBeforeNextStepSec: 600 }))
    )();
    await gantry.waitFor(executionId, () => routeWeights(fake, 'lost-web')?.['lost-web-v001'] === 50, 60_000);
    // Committed, but the CancelExecution it returns is never sent.
    const canceled = await new PostgresExecutionCommands(gantry.database.db.pool).cancel(executionId, { user: 'ana' });
    expect(canceled.messages).toEqual([{ type: 'CancelExecution', executionId }]);
    const execution = await gantry.waitFor(executionId, undefined, 60_000);
    expect([execution.status, stageOf(execution, 'deploy').status]).toEqual(['CANCELED', 'CANCELED']);
    expect(stageOf(execution, 'deploy').tasks.filter((task) => task.onFailure).map((task) => task.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(served('lost-web')).toEqual([['lost-web-v000', 100]]);
  });

  it('a stage with nothing to undo (a wait) is canceled at once, as before', async () => {
    const executionId = await (await pipeline('plain', { refId: 'wait', type: 'wait', waitTime: 600 }))();
    await gantry.waitFor(executionId, (execution) => stageOf(execution, 'wait').status === 'RUNNING');
    const response = await gantry.request<ExecutionSummary>('POST', `/api/v1/executions/${executionId}/cancel`, {});
    expect(response.body).toMatchObject({ status: 'CANCELED', canceled: true });
    const execution = await gantry.waitFor(executionId, (e) => stageOf(e, 'wait').status === 'CANCELED');
    expect(stageOf(execution, 'wait').tasks.map((task) => [task.name, task.status])).toEqual([['wait', 'CANCELED']]);
  });
});
