import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePipelineDefinition, secretResolver } from '@gantry/core';
import type { MessageBus } from '@gantry/queue';
import { PipelineRepository, PostgresExecutionRepository } from '@gantry/store';
import { DockerRegistryFake } from '../../../../test/fakes/dockerRegistry/registry';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/testDatabase';
import { pollIfDue, pollRegistry, type DockerPollerDeps, type PolledRegistry } from './dockerPoller';

const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sent: unknown[] = [];
const bus: MessageBus = {
  send: async () => undefined,
  sendAll: async (messages) => {
    sent.push(...messages);
  },
  inFlight: async () => [],
  close: async () => undefined,
};

describe('docker triggers by polling a registry (Registry HTTP API v2, token challenge)', () => {
  let database: TestDatabase;
  let registry: DockerRegistryFake;
  let deps: DockerPollerDeps;
  let polled: PolledRegistry;
  let pipelineId: string;

  const executionsOf = async () => {
    const { rows } = await database.db.pool.query<{ id: string; trigger: Record<string, unknown> }>(
      'SELECT id, trigger FROM executions WHERE pipeline_id = $1 ORDER BY build_time',
      [pipelineId],
    );
    return rows;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    registry = new DockerRegistryFake({ auth: 'token', username: 'robot', password: 'registry-password', pageSize: 2 });
    await registry.start();
    registry.push('acme/checkout', '1.0.0');
    registry.push('acme/checkout', '1.0.1');
    registry.push('acme/checkout', 'latest');
    polled = { name: 'private-registry', address: registry.address, username: 'robot', passwordSecret: 'registry-robot', pollIntervalSeconds: 60 };
    deps = { pool: database.db.pool, bus, secrets: secretResolver({ 'registry-robot': 'registry-password' }, {}), log: silentLog };
    const pipelines = new PipelineRepository(database.db.prisma);
    const saved = await pipelines.create(
      parsePipelineDefinition({
        application: 'checkout',
        name: 'deploy-on-tag',
        triggers: [{ type: 'docker', account: 'private-registry', repository: 'acme/checkout', tag: '\\d+\\.\\d+\\.\\d+' }],
        stages: [{ refId: 'w', type: 'wait', waitTime: 1 }],
      }),
      'ana',
    );
    pipelineId = saved.id;
    // Watches another registry's repository of the same name: never started by this one's tags.
    await pipelines.create(
      parsePipelineDefinition({
        application: 'checkout',
        name: 'elsewhere',
        triggers: [{ type: 'docker', account: 'other-registry', repository: 'acme/checkout' }],
        stages: [{ refId: 'w', type: 'wait', waitTime: 1 }],
      }),
      'ana',
    );
  });
  afterAll(async () => {
    await registry?.stop();
    await database?.drop();
  });

  it('the first poll primes the repository: tags already there start nothing', async () => {
    expect(await pollRegistry(deps, polled)).toEqual({ repositories: 1, started: 0 });
    expect(await executionsOf()).toEqual([]);
    // The token flow as a registry sees it: challenged, token fetched with the credentials, pages followed.
    const paths = registry.requests.copies().map((request) => `${request.status} ${request.path.replace(/scope=[^&]+/, 'scope=…')}`);
    expect(paths.slice(0, 4)).toEqual(['401 /v2/acme/checkout/tags/list', '200 /token?service=registry.fake&scope=…', '200 /v2/acme/checkout/tags/list', '200 /v2/acme/checkout/tags/list?n=2&last=1.0.1']);
  });

  it('a new tag matching the trigger starts the pipeline once, however many pollers see it, across restarts', async () => {
    registry.push('acme/checkout', '1.1.0');
    registry.push('acme/checkout', 'nightly');
    // Two processes polling at the same moment, then a third started later (a restart).
    const [first, second] = await Promise.all([pollRegistry(deps, polled), pollRegistry(deps, polled)]);
    await pollRegistry({ ...deps }, polled);
    expect((first?.started ?? 0) + (second?.started ?? 0)).toBe(1);
    const executions = await executionsOf();
    expect(executions).toHaveLength(1);
    expect(executions[0]?.trigger).toMatchObject({
      type: 'docker',
      registry: `127.0.0.1:${registry.port}`,
      repository: 'acme/checkout',
      tag: '1.1.0',
      account: 'private-registry',
      runAsUser: 'ana',
      artifacts: [{ type: 'docker/image', reference: `127.0.0.1:${registry.port}/acme/checkout:1.1.0` }],
    });
    const { rows } = await database.db.pool.query<{ tag: string; triggered: boolean }>(
      `SELECT tag, triggered_at IS NOT NULL AS triggered FROM docker_tags WHERE repository = 'acme/checkout' ORDER BY tag`,
    );
    expect(rows).toEqual(['1.0.0', '1.0.1', '1.1.0', 'latest', 'nightly'].map((tag) => ({ tag, triggered: true })));
  });

  it('a tag left pending by a poller that died before firing is fired by the next poll, still once', async () => {
    registry.push('acme/checkout', '1.2.0');
    await database.db.pool.query(
      `INSERT INTO docker_tags (registry, repository, tag) VALUES ('private-registry', 'acme/checkout', '1.2.0')`,
    );
    expect(await pollRegistry(deps, polled)).toEqual({ repositories: 1, started: 1 });
    expect((await executionsOf()).map((execution) => execution.trigger.tag)).toEqual(['1.1.0', '1.2.0']);
  });

  it('wrong credentials: the poll reports the registry and repository and starts nothing', async () => {
    const warnings: object[] = [];
    const refused = await pollRegistry(
      { ...deps, secrets: secretResolver({ 'registry-robot': 'wrong' }, {}), log: { ...silentLog, warn: (object: object) => warnings.push(object) } },
      polled,
    );
    expect(refused.started).toBe(0);
    expect(warnings).toEqual([{ registry: 'private-registry', repository: 'acme/checkout', reason: expect.stringContaining('token service') }]);
    expect(await new PostgresExecutionRepository(database.db.pool).list({ pipelineId })).toMatchObject({ executions: [{}, {}] });
  });

  it('however many workers poll, one of them polls a registry per interval', async () => {
    const leased = { ...polled, name: 'lease-test' };
    const rounds = await Promise.all([pollIfDue(deps, leased), pollIfDue(deps, leased), pollIfDue(deps, leased)]);
    expect(rounds.filter((round) => round !== undefined)).toEqual([{ repositories: 0, started: 0 }]);
    expect(await pollIfDue(deps, leased)).toBeUndefined();
    // Once the interval has passed (here: the last poll moved back by 60 s), the next caller polls.
    await database.db.pool.query(`UPDATE docker_registry_polls SET polled_at = polled_at - interval '60 seconds' WHERE registry = 'lease-test'`);
    expect(await pollIfDue(deps, leased)).toEqual({ repositories: 0, started: 0 });
  });
});
