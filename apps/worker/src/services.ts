import { NotFoundError, type DeployPolicy, type SecretResolver } from '@gantry/core';
import type { ArtifactAccountConfig } from '@gantry/config';
import { ArtifactAccounts, JenkinsClient } from '@gantry/providers';
import type { MessageBus } from '@gantry/queue';
import { knownHealthyServerGroups, type ExecutionRepository, type JsonObject } from '@gantry/store';
import type pg from 'pg';
import type { PermissionSource, ProviderDirectory, TaskServices } from './tasks/Task';

/** One Jenkins master, as configured (`jenkinsMasters`). */
export interface JenkinsMasterSetting {
  name: string;
  address: string;
  username?: string;
  /** The secret holding the user's API token. */
  apiTokenSecret?: string;
}

/** What tasks reach beyond their own stage: other pipelines and executions, outbound HTTP, clouds. */
export function createTaskServices(deps: {
  pool: pg.Pool;
  executions: ExecutionRepository;
  bus: MessageBus;
  webhook: { allowedHosts: string[]; timeoutMs: number };
  providers: ProviderDirectory;
  secrets: SecretResolver;
  policy: DeployPolicy;
  permissions?: PermissionSource;
  jenkinsMasters?: readonly JenkinsMasterSetting[];
  artifactAccounts?: Readonly<Record<string, ArtifactAccountConfig>>;
}): TaskServices {
  const masters = new Map((deps.jenkinsMasters ?? []).map((master) => [master.name, master]));
  const artifacts = new ArtifactAccounts({ accounts: deps.artifactAccounts ?? {}, secret: deps.secrets, timeoutMs: deps.webhook.timeoutMs });
  return {
    async startPipeline(input) {
      const { rows } = await deps.pool.query<{ id: string }>(
        `SELECT id FROM pipelines WHERE application = $1 AND (id::text = $2 OR name = $2) AND deleted_at IS NULL
         ORDER BY (id::text = $2) DESC LIMIT 1`,
        [input.application, input.pipeline],
      );
      const pipeline = rows[0];
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
    webhook: deps.webhook,
    fetch: globalThis.fetch,
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
    ...(deps.permissions === undefined ? {} : { permissions: deps.permissions }),
  };
}
