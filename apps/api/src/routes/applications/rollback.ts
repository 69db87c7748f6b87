import { ConflictError, parsePipelineDefinition, type PipelineDefinition } from '@gantry/core';
import type { ProviderRegistry } from '@gantry/providers';
import type { MessageBus } from '@gantry/queue';
import type { ClusterPlace, ExecutionRepository, IdempotencyKeys, PipelineRepository } from '@gantry/store';
import { chooseRollback } from '@gantry/strategies';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { answerIdempotently } from '../../idempotency';
import { onApplicationInPath } from '../../auth/resources';
import type { ClusterIndex } from './clusterIndex';
import { checkClusterOf, checkServerGroupOf } from './places';
import { findLiveCluster, launchClusterAction, systemPipelineId } from './systemPipelines';
import { rollbackSchema } from './schemas';

export interface RollbackRoutesOptions {
  providers: Pick<ProviderRegistry, 'forAccount' | 'accounts'>;
  clusterIndex: ClusterIndex;
  pipelines: PipelineRepository;
  executions: ExecutionRepository;
  bus: MessageBus;
  /** Server groups Gantry's records show were healthy (knownHealthyServerGroups in @gantry/store). */
  knownHealthy(place: ClusterPlace): Promise<ReadonlySet<string>>;
  /** Where Idempotency-Keys of rollbacks are remembered; without it the header is not honoured. */
  idempotencyKeys?: IdempotencyKeys;
}

const ACTIVE = ['NOT_STARTED', 'RUNNING', 'PAUSED'] as const;

/**
 * `POST /applications/:app/clusters/:cluster/rollback`: an audited rollback execution. It belongs to
 * the application's system pipeline `rollback <cluster>` (made on first use, with limitConcurrent),
 * so it has a pipeline like every execution, shows in the application's history, and a second
 * rollback of a cluster cannot run beside the first. Whether there is anything to roll back to is
 * checked here, against the live cluster, so the caller hears "no" at once (409), not from a
 * failed execution; the execution decides again when it runs.
 */
export const rollbackRoutes: FastifyPluginAsyncZod<RollbackRoutesOptions> = async (app, options) => {
  const { providers, clusterIndex, pipelines, executions } = options;

  // EXECUTE on the application here; on the cluster's account once the handler has found it.
  const execute = onApplicationInPath('EXECUTE');
  app.post('/applications/:app/clusters/:cluster/rollback', { schema: rollbackSchema, config: execute }, async (request, reply) =>
    answerIdempotently(request, reply, options.idempotencyKeys, async (launchKey) => {
      const { app: application, cluster } = request.params;
      const body = request.body ?? {};
      checkClusterOf(application, cluster);
      if (body.serverGroupName !== undefined) checkServerGroupOf(cluster, body.serverGroupName, 'serverGroupName');
      // An unknown account is a 404 naming the configured ones (UnknownAccountError).
      if (body.account !== undefined) providers.forAccount(body.account);
      const requestedAt = new Date();

      const { place, serverGroups } = await findLiveCluster(providers, clusterIndex, cluster, body, 'roll back');
      await request.authorize([{ kind: 'account', name: place.account, action: 'EXECUTE' }]);
      const choice = chooseRollback({
        serverGroups,
        knownHealthy: await options.knownHealthy(place),
        ...(body.serverGroupName === undefined ? {} : { restore: body.serverGroupName }),
      });
      if (!choice.ok) throw new ConflictError(`cannot roll back cluster ${cluster}: ${choice.reason}`, place);

      const pipelineId = await systemPipelineId(pipelines, rollbackPipelineDefinition(application, cluster));
      const running = await executions.list({ pipelineId, statuses: [...ACTIVE], limit: 1 });
      const other = running.executions[0];
      if (other !== undefined) {
        throw new ConflictError(`a rollback of cluster ${cluster} is already running (execution ${other.id})`, { executionId: other.id });
      }
      const execution = await launchClusterAction(options, request, {
        pipelineId,
        place,
        trigger: { type: 'rollback', requestedAt: requestedAt.toISOString(), cluster, ...(body.reason === undefined ? {} : { reason: body.reason }) },
        parameters: { serverGroupName: body.serverGroupName ?? '', reason: body.reason ?? '' },
        launchKey,
      });
      return {
        statusCode: 202,
        body: {
          id: execution.id,
          status: execution.status,
          application,
          cluster,
          account: place.account,
          location: place.location ?? null,
          restoredServerGroup: choice.restore.name,
          rolledBackServerGroup: choice.rollBack.name,
        },
      };
    }),
  );
};

function rollbackPipelineDefinition(application: string, cluster: string): PipelineDefinition {
  return parsePipelineDefinition({
    application,
    name: `rollback ${cluster}`,
    description: `Rollbacks of cluster ${cluster}, started through POST /api/v1/applications/${application}/clusters/${cluster}/rollback`,
    limitConcurrent: true,
    keepWaitingPipelines: false,
    parameters: [
      { name: 'account', required: true },
      { name: 'location', default: '' },
      { name: 'serverGroupName', default: '' },
      { name: 'reason', default: '' },
    ],
    stages: [
      {
        refId: 'rollback',
        type: 'rollbackCluster',
        name: `Roll back ${cluster}`,
        cluster,
        account: '${parameters.account}',
        location: '${parameters.location}',
        serverGroupName: '${parameters.serverGroupName}',
        reason: '${parameters.reason}',
      },
    ],
  });
}
