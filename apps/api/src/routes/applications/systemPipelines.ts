import { ConflictError, NotFoundError, ValidationError, type PipelineDefinition } from '@gantry/core';
import type { ProviderRegistry } from '@gantry/providers';
import type { MessageBus } from '@gantry/queue';
import type { ClusterPlace, ExecutionRepository, JsonObject, PipelineRepository } from '@gantry/store';
import type { FastifyRequest } from 'fastify';
import { triggerIdentityOf } from '../../actor';
import { dispatchLaunch } from '../../dispatch';
import type { ClusterIndex } from './clusterIndex';
import { livePlaces, placesOf, type LivePlace } from './places';

/**
 * The one place a cluster has live server groups; 404 when none, 400 when several and the filter
 * does not pick one. `doing` completes "name the account and location to …" in that message.
 */
export async function findLiveCluster(
  providers: Pick<ProviderRegistry, 'forAccount' | 'accounts'>,
  clusterIndex: ClusterIndex,
  cluster: string,
  filter: { account?: string; location?: string },
  doing: string,
): Promise<LivePlace> {
  const [first, ...others] = await livePlaces(providers, await placesOf(providers, clusterIndex, cluster, filter));
  if (first === undefined) throw new NotFoundError(`cluster ${cluster} has no live server groups in any known account or location`, { cluster });
  if (others.length > 0) {
    const where = [first, ...others].map(({ place }) => `${place.account}${place.location === undefined ? '' : `/${place.location}`}`).join(', ');
    const message = `cluster ${cluster} is live in several places (${where}): name the account and location to ${doing}`;
    throw new ValidationError(message, [{ path: ['account'], message }]);
  }
  return first;
}

/**
 * The id of an application's system pipeline (what the cluster actions run as), saved on first use;
 * a concurrent first use finds the other's. Its executions are audited and listed like any other.
 */
export async function systemPipelineId(pipelines: PipelineRepository, definition: PipelineDefinition): Promise<string> {
  const existing = await pipelines.findByName(definition.application, definition.name);
  if (existing !== null) return existing.id;
  try {
    return (await pipelines.create(definition, 'gantry')).id;
  } catch (error) {
    const saved = error instanceof ConflictError ? await pipelines.findByName(definition.application, definition.name) : null;
    if (saved === null) throw error;
    return saved.id;
  }
}

/**
 * Starts a cluster action's system pipeline as the caller, at the place found, and hands it to the
 * queue: the trigger carries the caller's identity, the parameters the place's account and location.
 */
export async function launchClusterAction(
  deps: { executions: ExecutionRepository; bus: MessageBus },
  request: FastifyRequest,
  action: { pipelineId: string; place: ClusterPlace; trigger: JsonObject & { type: string }; parameters: Record<string, string>; launchKey: string | undefined },
): Promise<{ id: string; status: string }> {
  const identity = triggerIdentityOf(request);
  const { pipelineId, place, trigger, parameters, launchKey } = action;
  return dispatchLaunch(
    deps.bus,
    await deps.executions.launch({
      pipelineId,
      trigger: { ...trigger, ...identity },
      parameters: { account: place.account, location: place.location ?? '', ...parameters },
      actor: identity.user,
      ...(launchKey === undefined ? {} : { idempotencyKey: launchKey }),
    }),
    request.log,
  );
}
