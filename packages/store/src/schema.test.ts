import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { migrate } from './migrations';

/** The hand-written migration SQL must give exactly the tables schema.prisma describes. */
describe('migrations match schema.prisma', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('answers findFirst on every model', async () => {
    const { prisma } = database.db;
    await expect(prisma.pipeline.findFirst()).resolves.toBeNull();
    await expect(prisma.pipelineVersion.findFirst()).resolves.toBeNull();
    await expect(prisma.execution.findFirst()).resolves.toBeNull();
    await expect(prisma.stage.findFirst()).resolves.toBeNull();
    await expect(prisma.task.findFirst()).resolves.toBeNull();
    await expect(prisma.auditEvent.findFirst()).resolves.toBeNull();
    await expect(prisma.webhookDelivery.findFirst()).resolves.toBeNull();
    await expect(prisma.outboxMessage.findFirst()).resolves.toBeNull();
    await expect(prisma.apiToken.findFirst()).resolves.toBeNull();
    await expect(prisma.roleGrant.findFirst()).resolves.toBeNull();
    await expect(prisma.serviceAccount.findFirst()).resolves.toBeNull();
    await expect(prisma.idempotencyKey.findFirst()).resolves.toBeNull();
    await expect(prisma.dockerPolledRepository.findFirst()).resolves.toBeNull();
    await expect(prisma.dockerTag.findFirst()).resolves.toBeNull();
    await expect(prisma.canaryConfig.findFirst()).resolves.toBeNull();
    await expect(prisma.canaryConfigVersion.findFirst()).resolves.toBeNull();
    await expect(prisma.dockerRegistryPoll.findFirst()).resolves.toBeNull();
    await expect(prisma.notificationDelivery.findFirst()).resolves.toBeNull();
    await expect(prisma.applicationNotification.findFirst()).resolves.toBeNull();
    await expect(prisma.executionWatcher.findFirst()).resolves.toBeNull();
    await expect(prisma.pipelineRepositorySync.findFirst()).resolves.toBeNull();
    await expect(prisma.deployedManifest.findFirst()).resolves.toBeNull();
    await expect(prisma.driftResource.findFirst()).resolves.toBeNull();
    await expect(prisma.chaosMonkeyConfig.findFirst()).resolves.toBeNull();
    await expect(prisma.chaosMonkeySwitch.findFirst()).resolves.toBeNull();
    await expect(prisma.chaosMonkeyDecision.findFirst()).resolves.toBeNull();
  });

  it('round-trips a create of every field of every model', async () => {
    const { prisma } = database.db;
    const at = new Date('2026-01-02T03:04:05.678Z');
    const pipeline = { id: randomUUID(), application: 'app', name: 'p', version: 2, deletedAt: at, createdAt: at, updatedAt: at, gitRepository: 'repo', gitPath: 'pipelines/p.yaml' };
    expect(await prisma.pipeline.create({ data: pipeline })).toEqual(pipeline);
    const version = { pipelineId: pipeline.id, version: 2, definition: { stages: [{ refId: 'a' }] }, createdBy: 'ana', createdByRoles: ['ops'], createdAt: at, gitCommit: 'c0ffee' };
    expect(await prisma.pipelineVersion.create({ data: version })).toEqual(version);
    const execution = {
      id: randomUUID(),
      pipelineId: pipeline.id,
      pipelineVersion: 2,
      application: 'app',
      pipelineName: 'p',
      status: 'RUNNING',
      trigger: { type: 'manual' },
      parameters: { v: '1' },
      limitConcurrent: true,
      keepWaitingPipelines: true,
      expressionLanguage: 'spel',
      idempotencyKey: 'key-1',
      parentExecutionId: randomUUID(),
      trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      canceled: true,
      canceledBy: 'lee',
      cancellationReason: 'because',
      pausedBy: 'kim',
      pauseTime: at,
      buildTime: at,
      startTime: at,
      endTime: at,
      version: 3,
    };
    expect(await prisma.execution.create({ data: execution })).toEqual(execution);
    const stage = {
      id: randomUUID(),
      executionId: execution.id,
      refId: 'a',
      type: 'wait',
      name: 'Wait',
      requisiteStageRefIds: ['x', 'y'],
      definition: { waitTime: 1 },
      context: { waitTime: 1 },
      outputs: { o: true },
      status: 'SUCCEEDED',
      attempt: 1,
      error: { message: 'no' },
      startTime: at,
      endTime: at,
      version: 4,
    };
    expect(await prisma.stage.create({ data: stage })).toEqual(stage);
    const task = {
      id: randomUUID(),
      stageId: stage.id,
      executionId: execution.id,
      attempt: 1,
      index: 0,
      name: 'wait',
      status: 'SUCCEEDED',
      retries: 2,
      polls: 5,
      onFailure: true,
      state: { s: 1 },
      error: { message: 'e' },
      startTime: at,
      endTime: at,
      nextStepAt: at,
    };
    expect(await prisma.task.create({ data: task })).toEqual(task);
    const event = await prisma.auditEvent.create({
      data: { executionId: execution.id, pipelineId: pipeline.id, stageId: stage.id, type: 'T', actor: 'ana', data: { d: 1 }, createdAt: at },
    });
    expect(event).toMatchObject({ executionId: execution.id, pipelineId: pipeline.id, stageId: stage.id, type: 'T', actor: 'ana', data: { d: 1 }, createdAt: at });
    expect(typeof event.id).toBe('bigint');
    const delivery = {
      source: 'github',
      deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      executionIds: [execution.id, randomUUID()],
      receivedAt: at,
      completedAt: at,
    };
    expect(await prisma.webhookDelivery.create({ data: delivery })).toEqual(delivery);
    const pending = { source: 'github', deliveryId: 'second', executionIds: [], receivedAt: at, completedAt: null };
    expect(await prisma.webhookDelivery.create({ data: pending })).toEqual(pending);
    const outbox = { id: randomUUID(), message: { type: 'StartExecution', executionId: execution.id }, deliverAt: at, createdAt: at };
    expect(await prisma.outboxMessage.create({ data: outbox })).toEqual(outbox);
    const serviceAccount = { name: 'ci-bot', roles: ['deployers'], createdBy: 'ana', createdAt: at };
    expect(await prisma.serviceAccount.create({ data: serviceAccount })).toEqual(serviceAccount);
    const token = {
      id: randomUUID(),
      name: 'ci',
      tokenHash: 'f'.repeat(64),
      roles: ['deployers', 'admin'],
      createdBy: 'ana',
      createdAt: at,
      expiresAt: at,
      revokedAt: at,
      lastUsedAt: at,
      serviceAccount: 'ci-bot',
    };
    expect(await prisma.apiToken.create({ data: token })).toEqual(token);
    const grant = { role: 'deployers', kind: 'account', name: 'local', actions: ['READ', 'EXECUTE'], updatedBy: 'ana', updatedAt: at };
    expect(await prisma.roleGrant.create({ data: grant })).toEqual(grant);
    const answered = { scope: 'POST /x ana', key: 'k', requestHash: 'h', statusCode: 202, response: { id: 'e' }, createdAt: at, completedAt: at };
    expect(await prisma.idempotencyKey.create({ data: answered })).toEqual(answered);
    const running = { scope: 'POST /x ana', key: 'k2', requestHash: 'h', createdAt: at };
    expect(await prisma.idempotencyKey.create({ data: running })).toEqual({ ...running, statusCode: null, response: null, completedAt: null });
    const polled = { registry: 'quay', repository: 'acme/app', primedAt: at };
    expect(await prisma.dockerPolledRepository.create({ data: polled })).toEqual(polled);
    const tag = { registry: 'quay', repository: 'acme/app', tag: '1.2.3', firstSeenAt: at, triggeredAt: at };
    expect(await prisma.dockerTag.create({ data: tag })).toEqual(tag);
    const canaryConfig = { id: randomUUID(), name: 'golden', applications: ['app', 'web'], version: 1, deletedAt: at, createdAt: at, updatedAt: at };
    expect(await prisma.canaryConfig.create({ data: canaryConfig })).toEqual(canaryConfig);
    const canaryVersion = { configId: canaryConfig.id, version: 1, document: { name: 'golden' }, createdBy: 'ana', createdAt: at };
    expect(await prisma.canaryConfigVersion.create({ data: canaryVersion })).toEqual(canaryVersion);
    const poll = { registry: 'quay', polledAt: at };
    expect(await prisma.dockerRegistryPoll.create({ data: poll })).toEqual(poll);
    const notification = {
      id: randomUUID(),
      key: `${execution.id}:-:pipeline.complete:slack:deploys`,
      executionId: execution.id,
      stageId: stage.id,
      event: 'pipeline.complete',
      type: 'slack',
      address: 'deploys',
      message: { subject: 's', text: 't' },
      status: 'FAILED',
      attempts: 3,
      nextAttemptAt: at,
      lastError: 'HTTP 404',
      sentAt: at,
      claims: 4,
      claimedUntil: at,
      firstClaimedAt: at,
      remoteRef: 'CDEPLOYS:1.000001',
      createdAt: at,
    };
    expect(await prisma.notificationDelivery.create({ data: notification })).toEqual(notification);
    const defaults = { application: 'app', notifications: { slack: [{ address: 'deploys', when: ['pipeline.failed'] }] }, updatedBy: 'ana', updatedAt: at };
    expect(await prisma.applicationNotification.create({ data: defaults })).toEqual(defaults);
    const watcher = { executionId: randomUUID(), watcher: randomUUID(), expiresAt: at };
    expect(await prisma.executionWatcher.create({ data: watcher })).toEqual(watcher);
    const sync = { repository: 'repo', commit: 'c0ffee', applied: false, report: { files: [] }, createdAt: at };
    expect(await prisma.pipelineRepositorySync.create({ data: sync })).toEqual(sync);
    const deployed = { account: 'k8s', namespace: 'prod', kind: 'Deployment', name: 'web', apiVersion: 'apps/v1', application: 'app', manifest: { kind: 'Deployment' }, executionId: execution.id, stageId: stage.id, updatedAt: at };
    expect(await prisma.deployedManifest.create({ data: deployed })).toEqual(deployed);
    const drift = { account: 'k8s', namespace: 'prod', kind: 'Deployment', name: 'web', apiVersion: 'apps/v1', application: 'app', watch: 'w', state: 'drifted', fields: [{ path: 'spec.replicas' }], since: at, checkedAt: at };
    expect(await prisma.driftResource.create({ data: drift })).toEqual(drift);
    const chaosConfig = { application: 'app', config: { enabled: true }, updatedBy: 'ana', updatedAt: at };
    expect(await prisma.chaosMonkeyConfig.create({ data: chaosConfig })).toEqual(chaosConfig);
    const killSwitch = { id: 1, engaged: true, updatedBy: 'ana', updatedAt: at };
    expect(await prisma.chaosMonkeySwitch.create({ data: killSwitch })).toEqual(killSwitch);
    const decision = {
      groupKey: 'cluster:k8s/ns1/app-web',
      day: '2026-12-07',
      application: 'app',
      status: 'KILLED',
      reason: 'drawn',
      members: [{ serverGroup: 'app-web-v001' }],
      killAt: at,
      windowEnd: at,
      victim: { instanceId: 'pod-1' },
      attempts: 1,
      lastError: 'once',
      decidedAt: at,
      killedAt: at,
    };
    expect(await prisma.chaosMonkeyDecision.create({ data: decision })).toEqual(decision);
  });

  it("records migrations in Prisma's own table with the file's checksum, and re-running is a no-op", async () => {
    const { rows } = await database.db.pool.query<{ migration_name: string; checksum: string; applied_steps_count: number }>(
      'SELECT migration_name, checksum, applied_steps_count FROM "_prisma_migrations"',
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const sql = readFileSync(new URL(`../../../prisma/migrations/${row.migration_name}/migration.sql`, import.meta.url));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.applied_steps_count).toBe(1);
    }
    expect(await migrate(database.db.pool)).toEqual([]);
  });
});
