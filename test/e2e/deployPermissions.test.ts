import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { deployStage, deploymentsOf, kubernetesAccount, testRegistry } from '../support/serverGroups';
import type { ExecutionDetail } from '../../packages/store/src';

// One queue backend: these tests are about permissions; the engine suites cover both backends.
const backend = QUEUE_BACKENDS[0] ?? 'redis';

/**
 * Issue 14: the worker checks again, right before a deploy-type stage's provider calls, that the
 * principal the execution acts as still holds EXECUTE on the application and the account, since
 * grants may have been revoked while the execution waited (here: at a manual judgment).
 */
describe(`a deploy re-checks its principal's permissions before acting (${backend} queue)`, () => {
  let fake: FakeKubernetes;
  let gantry: TestGantry;
  let opsToken: string;
  const opsGrants = [
    { kind: 'application', name: 'shop', actions: ['WRITE', 'EXECUTE'] },
    { kind: 'account', name: 'k8s', actions: ['EXECUTE'] },
  ];

  beforeAll(async () => {
    fake = await startFakeKubernetes({ readyDelayMs: 100 });
    gantry = await startTestGantry({ backend, providers: testRegistry([kubernetesAccount(fake)]), recheckPermissions: true, webhooks: true });
    expect((await gantry.request('PUT', '/api/v1/roles/shop-ops', { grants: opsGrants })).status).toBe(200);
    ({ token: opsToken } = await gantry.auth.createToken({ name: 'ops', roles: ['shop-ops'], createdBy: 'test' }));
  });
  afterAll(async () => {
    await gantry?.stop();
    await fake?.close();
  });

  const asOps = () => ({ authorization: `Bearer ${opsToken}` });

  /** Saved and triggered by `ops`; the deploy waits behind a judgment, which `ops` approves after `meanwhile`. */
  async function deployAsOps(stack: string, meanwhile: () => Promise<void>): Promise<ExecutionDetail> {
    const saved = await gantry.request<{ id: string }>(
      'POST',
      '/api/v1/pipelines',
      {
        application: 'shop',
        name: `deploy-${stack}`,
        stages: [{ refId: 'judge', type: 'manualJudgment' }, { ...deployStage('shop', stack, 'nginx:1'), requisiteStageRefIds: ['judge'] }],
      },
      asOps(),
    );
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    const started = await gantry.request<{ id: string }>('POST', `/api/v1/pipelines/${saved.body.id}/executions`, { parameters: {} }, asOps());
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const id = started.body.id;
    await gantry.waitFor(id, (execution) => stageOf(execution, 'judge').status === 'RUNNING');
    await meanwhile();
    expect((await gantry.request('POST', `/api/v1/executions/${id}/stages/judge/judgment`, { judgmentStatus: 'continue' }, asOps())).status).toBe(202);
    return gantry.waitFor(id, undefined, 45_000);
  }

  it('the account grant revoked while the execution waited: the deploy fails naming the permission, and nothing is created', async () => {
    const execution = await deployAsOps('revoked', async () => {
      const kept = opsGrants.filter((grant) => grant.kind === 'application');
      expect((await gantry.request('PUT', '/api/v1/roles/shop-ops', { grants: kept })).status).toBe(200);
    });
    expect(execution.status).toBe('TERMINAL');
    expect(execution.trigger).toMatchObject({ type: 'manual', user: 'ops', userRoles: ['shop-ops'] });
    const deploy = stageOf(execution, 'deploy');
    expect(deploy.status).toBe('TERMINAL');
    expect((deploy.error as { message?: string }).message).toMatch(/^ops lacks EXECUTE on account k8s: /);
    expect(deploymentsOf(fake, 'shop-revoked')).toEqual([]);
  });

  it('with the grant in place the same deploy goes through', async () => {
    expect((await gantry.request('PUT', '/api/v1/roles/shop-ops', { grants: opsGrants })).status).toBe(200);
    const execution = await deployAsOps('kept', async () => undefined);
    expect(execution.status, JSON.stringify(execution.stages.map((s) => [s.refId, s.status, s.error]))).toBe('SUCCEEDED');
    expect(deploymentsOf(fake, 'shop-kept')).toEqual(['shop-kept-v000']);
  });

  it("an automatic trigger runs as its service account: the account's roles as they are now decide, and a deleted account deploys nothing", async () => {
    // The service account may run the application but holds no account grant.
    expect((await gantry.request('PUT', '/api/v1/roles/shop-runner', { grants: [opsGrants[0]] })).status).toBe(200);
    expect((await gantry.request('PUT', '/api/v1/serviceAccounts/deployer', { roles: ['shop-runner'] })).status).toBe(200);
    const source = `push-${Date.now()}`;
    const saved = await gantry.request('POST', '/api/v1/pipelines', {
      application: 'shop',
      name: 'on-push',
      triggers: [{ type: 'webhook', source, runAsUser: 'deployer' }],
      stages: [deployStage('shop', 'auto', 'nginx:1')],
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    const deliver = async () => {
      const delivery = await gantry.request<{ executions: { id: string }[] }>('POST', `/api/v1/webhooks/${source}`, { ref: 'main' });
      expect(delivery.status, JSON.stringify(delivery.body)).toBe(202);
      return gantry.waitFor(delivery.body.executions[0]!.id, undefined, 45_000);
    };

    const refused = await deliver();
    expect(refused.trigger).toMatchObject({ runAsUser: 'deployer' });
    expect(refused.trigger).not.toHaveProperty('runAsRoles');
    expect((stageOf(refused, 'deploy').error as { message?: string }).message).toMatch(/^deployer lacks EXECUTE on account k8s: /);

    expect((await gantry.request('DELETE', '/api/v1/serviceAccounts/deployer')).status).toBe(204);
    const orphaned = await deliver();
    expect((stageOf(orphaned, 'deploy').error as { message?: string }).message).toBe('the execution runs as service account deployer, which no longer exists');
    expect(deploymentsOf(fake, 'shop-auto')).toEqual([]);
  });
});
