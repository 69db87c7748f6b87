import { NotFoundError, parsePipelineDefinition, type PipelineDefinition } from '@gantry/core';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { answerIdempotently } from '../../idempotency';
import { onApplicationInPath } from '../../auth/resources';
import { checkClusterOf, checkServerGroupOf } from './places';
import type { RollbackRoutesOptions } from './rollback';
import { disableServerGroupSchema, enableServerGroupSchema, resizeServerGroupSchema } from './schemas';
import { findLiveCluster, launchClusterAction, systemPipelineId } from './systemPipelines';

export type ServerGroupActionRoutesOptions = Omit<RollbackRoutesOptions, 'knownHealthy'>;

type Action = 'enable' | 'disable' | 'resize';
interface Capacity {
  min: number;
  max: number;
  desired: number;
}

/**
 * `POST /applications/:app/clusters/:cluster/serverGroups/:serverGroup/{enable,disable,resize}`: the
 * clusters view's actions. Like rollback, each is an execution of a system pipeline, not a provider
 * call from the API: it is audited, survives a crash of the process, and its stage's tasks apply
 * the deploy policy's traffic guards exactly as a pipeline's enable/disable/resize stage does.
 */
export const serverGroupActionRoutes: FastifyPluginAsyncZod<ServerGroupActionRoutesOptions> = async (app, options) => {
  const { providers, clusterIndex, pipelines } = options;
  // EXECUTE on the application here; on the cluster's account once the handler has found it.
  const execute = onApplicationInPath('EXECUTE');
  const path = '/applications/:app/clusters/:cluster/serverGroups/:serverGroup';

  app.post(`${path}/enable`, { schema: enableServerGroupSchema, config: execute }, async (request, reply) =>
    answerIdempotently(request, reply, options.idempotencyKeys, (launchKey) => act(request, 'enable', request.body ?? {}, launchKey)),
  );
  app.post(`${path}/disable`, { schema: disableServerGroupSchema, config: execute }, async (request, reply) =>
    answerIdempotently(request, reply, options.idempotencyKeys, (launchKey) => act(request, 'disable', request.body ?? {}, launchKey)),
  );
  app.post(`${path}/resize`, { schema: resizeServerGroupSchema, config: execute }, async (request, reply) =>
    answerIdempotently(request, reply, options.idempotencyKeys, (launchKey) => act(request, 'resize', request.body, launchKey)),
  );

  async function act(
    request: FastifyRequest,
    action: Action,
    body: { account?: string; location?: string; reason?: string; capacity?: Capacity },
    launchKey: string | undefined,
  ) {
    const { app: application, cluster, serverGroup } = request.params as { app: string; cluster: string; serverGroup: string };
    checkClusterOf(application, cluster);
    checkServerGroupOf(cluster, serverGroup, 'serverGroup');
    // An unknown account is a 404 naming the configured ones (UnknownAccountError).
    if (body.account !== undefined) providers.forAccount(body.account);
    const { place, serverGroups } = await findLiveCluster(providers, clusterIndex, cluster, body, action);
    await request.authorize([{ kind: 'account', name: place.account, action: 'EXECUTE' }]);
    if (!serverGroups.some((group) => group.name === serverGroup)) {
      throw new NotFoundError(`server group ${serverGroup} is not live in cluster ${cluster} (${place.account})`, { serverGroup });
    }
    const pipelineId = await systemPipelineId(pipelines, actionPipelineDefinition(application, cluster, action));
    const capacity = body.capacity;
    const execution = await launchClusterAction(options, request, {
      pipelineId,
      place,
      trigger: { type: 'serverGroupAction', action, cluster, serverGroup, ...(body.reason === undefined ? {} : { reason: body.reason }) },
      parameters: {
        serverGroupName: serverGroup,
        reason: body.reason ?? '',
        ...(capacity === undefined ? {} : { min: String(capacity.min), max: String(capacity.max), desired: String(capacity.desired) }),
      },
      launchKey,
    });
    return {
      statusCode: 202,
      body: {
        id: execution.id,
        status: execution.status,
        application,
        cluster,
        serverGroup,
        action,
        account: place.account,
        location: place.location ?? null,
      },
    };
  }
};

const STAGE_TYPES = { enable: 'enableServerGroup', disable: 'disableServerGroup', resize: 'resizeServerGroup' } as const;

function actionPipelineDefinition(application: string, cluster: string, action: Action): PipelineDefinition {
  const resize = action === 'resize';
  return parsePipelineDefinition({
    application,
    name: `${action} ${cluster}`,
    description: `The clusters view's "${action}" of cluster ${cluster}'s server groups (POST .../serverGroups/:serverGroup/${action})`,
    // One action at a time per cluster; a second waits rather than racing the first on the same groups.
    limitConcurrent: true,
    keepWaitingPipelines: true,
    parameters: [
      { name: 'account', required: true },
      { name: 'location', required: true },
      { name: 'serverGroupName', required: true },
      { name: 'reason', default: '' },
      ...(resize ? ['min', 'max', 'desired'].map((name) => ({ name, required: true })) : []),
    ],
    stages: [
      {
        refId: action,
        type: STAGE_TYPES[action],
        name: `${action} \${parameters.serverGroupName}`,
        account: '${parameters.account}',
        location: '${parameters.location}',
        serverGroupName: '${parameters.serverGroupName}',
        ...(resize
          ? {
              action: 'scale_exact',
              capacity: { min: '${#toInt(parameters.min)}', max: '${#toInt(parameters.max)}', desired: '${#toInt(parameters.desired)}' },
            }
          : {}),
      },
    ],
  });
}
