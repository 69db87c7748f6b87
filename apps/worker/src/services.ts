import { NotFoundError, hasCronTriggers, type DeployPolicy, type SecretResolver } from '@gantry/core';
import type { KayentaMetricsAccount } from '@gantry/canary';
import type { ArtifactAccountConfig, GantryConfig } from '@gantry/config';
import { ArtifactAccounts, JenkinsClient } from '@gantry/providers';
import type { MessageBus } from '@gantry/queue';
import { tracedFetch } from '@gantry/telemetry';
import { CanaryConfigRepository, knownHealthyServerGroups, type ExecutionRepository, type JsonObject, type PipelineRepository } from '@gantry/store';
import type pg from 'pg';
import { SYSTEM_CLOCK, type DriftServices, type PermissionSource, type ProviderDirectory, type TaskClock, type TaskServices } from './tasks/Task';

/** One Jenkins master, as configured (`jenkinsMasters`). */
export interface JenkinsMasterSetting {
  name: string;
  address: string;
  username?: string;
  /** The secret holding the user's API token. */
  apiTokenSecret?: string;
}

/** One metrics account, as configured (`metricsAccounts`): secrets by name. */
export type MetricsAccountSetting = GantryConfig['metricsAccounts'][string] & { name: string };

/** What tasks reach beyond their own stage: other pipelines and executions, outbound HTTP, clouds. */
export function createTaskServices(deps: {
  pool: pg.Pool;
  /** Where savePipeline stages store pipelines (the API's store). */
  pipelines: PipelineRepository;
  executions: ExecutionRepository;
  bus: MessageBus;
  webhook: { allowedHosts: string[]; timeoutMs: number };
  providers: ProviderDirectory;
  secrets: SecretResolver;
  policy: DeployPolicy;
  permissions?: PermissionSource;
  jenkinsMasters?: readonly JenkinsMasterSetting[];
  artifactAccounts?: Readonly<Record<string, ArtifactAccountConfig>>;
  metricsAccounts?: readonly MetricsAccountSetting[];
  clock?: TaskClock;
  drift: DriftServices;
}): TaskServices {
  const masters = new Map((deps.jenkinsMasters ?? []).map((master) => [master.name, master]));
  const artifacts = new ArtifactAccounts({ accounts: deps.artifactAccounts ?? {}, secret: deps.secrets, timeoutMs: deps.webhook.timeoutMs });
  const metricsAccounts = new Map((deps.metricsAccounts ?? []).map((account) => [account.name, account]));
  const canaryConfigs = new CanaryConfigRepository(deps.pool);
  return {
    async startPipeline(input) {
      const pipeline = await findPipeline(deps.pool, input.application, input.pipeline);
      if (!pipeline) throw new NotFoundError(`pipeline ${input.application}/${input.pipeline} not found`);
      const launched = await deps.executions.launch({
        pipelineId: pipeline.id,
        trigger: input.trigger,
        parameters: input.parameters,
        idempotencyKey: input.idempotencyKey,
        parentExecutionId: input.parentExecutionId,
      });
      await Promise.all(launched.messages.map((message) => deps.bus.send(message)));
      return { executionId: launched.value.id };
    },
    async getExecutionOutcome(executionId) {
      const { rows } = await deps.pool.query<{ status: string }>('SELECT status FROM executions WHERE id = $1', [executionId]);
      const execution = rows[0];
      if (!execution) return null;
      const stages = await deps.pool.query<{ outputs: JsonObject }>(
        'SELECT outputs FROM stages WHERE execution_id = $1 ORDER BY end_time NULLS LAST, ref_id',
        [executionId],
      );
      return { status: execution.status, outputs: Object.assign({}, ...stages.rows.map((row) => row.outputs)) as JsonObject };
    },
    async latestExecution(input) {
      const pipeline = await findPipeline(deps.pool, input.application, input.pipeline);
      if (pipeline === undefined) return null;
      const { rows } = await deps.pool.query<{ id: string; trigger: JsonObject }>(
        `SELECT id, trigger FROM executions WHERE pipeline_id = $1 AND status = ANY($2::text[])
         ORDER BY start_time DESC NULLS LAST, id DESC LIMIT 1`,
        [pipeline.id, input.statuses],
      );
      const execution = rows[0];
      if (execution === undefined) return { pipelineId: pipeline.id, execution: null };
      const stages = await deps.pool.query<{ refId: string; outputs: JsonObject }>(
        'SELECT ref_id AS "refId", outputs FROM stages WHERE execution_id = $1 ORDER BY start_time NULLS LAST, ref_id',
        [execution.id],
      );
      return { pipelineId: pipeline.id, execution: { id: execution.id, trigger: execution.trigger, stages: stages.rows } };
    },
    pipelines: {
      async find({ id, application, name }) {
        const { rows } = await deps.pool.query<{ id: string }>(
          `SELECT id FROM pipelines WHERE deleted_at IS NULL AND (id::text = $1 OR (application = $2 AND name = $3))
           ORDER BY (id::text = $1) DESC LIMIT 1`,
          [id ?? '', application, name],
        );
        return rows[0] === undefined ? null : deps.pipelines.get(rows[0].id);
      },
      async save({ definition, actor, existing }) {
        const saved = existing === undefined ? await deps.pipelines.create(definition, actor) : await deps.pipelines.update(existing.id, definition, actor, existing.version);
        // As the API does after a save; a lost message is caught up by the workers' periodic resync.
        if (hasCronTriggers(saved.definition) || (existing !== undefined && hasCronTriggers(existing.definition))) {
          await deps.bus.send({ type: 'SyncCronTriggers', pipelineId: saved.id }).catch(() => undefined);
        }
        return saved;
      },
    },
    webhook: deps.webhook,
    fetch: tracedFetch(globalThis.fetch),
    secrets: deps.secrets,
    providers: deps.providers,
    knownHealthyServerGroups: (place) => knownHealthyServerGroups(deps.pool, place),
    policy: deps.policy,
    jenkins(name) {
      const master = masters.get(name);
      if (master === undefined) return undefined;
      const apiToken = master.apiTokenSecret === undefined ? undefined : deps.secrets(master.apiTokenSecret);
      return new JenkinsClient({
        master: {
          name,
          address: master.address,
          ...(master.username === undefined ? {} : { username: master.username }),
          ...(apiToken === undefined ? {} : { apiToken }),
        },
        timeoutMs: deps.webhook.timeoutMs,
      });
    },
    artifacts,
    metricsAccount(name) {
      const account = metricsAccounts.get(name);
      return account === undefined ? undefined : withSecrets(account, deps.secrets);
    },
    async canaryConfig(id) {
      try {
        return (await canaryConfigs.get(id)).document;
      } catch (error) {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      }
    },
    clock: deps.clock ?? SYSTEM_CLOCK,
    drift: deps.drift,
    ...(deps.permissions === undefined ? {} : { permissions: deps.permissions }),
  };
}

/** A pipeline of `application` by id or, failing that, by name (an id wins over a name that looks like one). */
async function findPipeline(pool: pg.Pool, application: string, pipeline: string): Promise<{ id: string } | undefined> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM pipelines WHERE application = $1 AND (id::text = $2 OR name = $2) AND deleted_at IS NULL
     ORDER BY (id::text = $2) DESC LIMIT 1`,
    [application, pipeline],
  );
  return rows[0];
}

/** The account with its secrets read now; a secret that is not set fails naming it (never its value). */
function withSecrets(account: MetricsAccountSetting, secrets: SecretResolver): KayentaMetricsAccount {
  const secret = (name: string, what: string) => {
    const value = secrets(name);
    if (value === undefined) throw new Error(`metrics account ${account.name}: the secret ${name} (its ${what}) is not set`);
    return value;
  };
  switch (account.type) {
    case 'prometheus':
      return { name: account.name, type: 'prometheus', address: account.address, ...(account.scopeLabel === undefined ? {} : { scopeLabel: account.scopeLabel }) };
    case 'datadog':
      return { name: account.name, type: 'datadog', address: account.address, apiKey: secret(account.apiKeySecret, 'API key'), applicationKey: secret(account.applicationKeySecret, 'application key') };
    case 'newrelic':
      return {
        name: account.name,
        type: 'newrelic',
        address: account.address,
        apiKey: secret(account.apiKeySecret, 'query key'),
        accountId: account.accountId,
        ...(account.defaultScopeKey === undefined ? {} : { defaultScopeKey: account.defaultScopeKey }),
        ...(account.defaultLocationKey === undefined ? {} : { defaultLocationKey: account.defaultLocationKey }),
      };
  }
}
