import { NotFoundError, gantryApplicationName, permissionsToRun, type Action } from '@gantry/core';
import type { MessageBus } from '@gantry/queue';
import type { ExecutionRepository, IdempotencyKeys, PipelineRecord, PipelineRepository } from '@gantry/store';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../../actor';
import { needs, signedIn } from '../../auth/access';
import { dispatchLaunch } from '../../dispatch';
import { answerIdempotently } from '../../idempotency';
import { gateGetPipelineConfigSchema, gateListPipelineConfigsSchema, gateTriggerSchema, gateVersionSchema } from './schemas';

export interface GateRoutesOptions {
  pipelines: Pick<PipelineRepository, 'list'>;
  executions: Pick<ExecutionRepository, 'launch'>;
  bus: MessageBus;
  idempotencyKeys?: IdempotencyKeys;
}

/** What GET /version answers: Gate answers its build; this says whose API it is. */
export const GATE_API_VERSION = 'gantry (Gate API subset)';

interface GatePath {
  application: string;
  pipelineName?: string;
}

/**
 * The application a Gate path names, as `gantry import spinnaker` named it: Spinnaker is case-blind
 * and the import drops "-", "_" and "." (a name that maps to nothing is left as it is, and matches nothing).
 */
function applicationOf(request: FastifyRequest): string {
  const { application } = request.params as GatePath;
  const mapped = gantryApplicationName(application);
  return mapped.ok ? mapped.name : application;
}

/** The pipeline a Gate path names: by name in its application, or by Gantry id (Gate takes either). */
async function pipelineOf(pipelines: Pick<PipelineRepository, 'list'>, request: FastifyRequest): Promise<PipelineRecord> {
  const application = applicationOf(request);
  const nameOrId = (request.params as GatePath).pipelineName ?? '';
  const listed = await pipelines.list({ application });
  const pipeline = listed.find((candidate) => candidate.name === nameOrId) ?? listed.find((candidate) => candidate.id === nameOrId);
  if (pipeline === undefined) throw new NotFoundError(`no pipeline "${nameOrId}" in application ${application}`, { application, pipelineName: nameOrId });
  return pipeline;
}

/** A stored pipeline in Gate's shape: its definition with Gantry's id, its position and front50's updateTs. */
function pipelineConfig(pipeline: PipelineRecord, index: number) {
  return {
    ...pipeline.definition,
    id: pipeline.id,
    application: pipeline.application,
    name: pipeline.name,
    index,
    updateTs: String(pipeline.updatedAt.getTime()),
  };
}

/**
 * A subset of Gate's API (Spinnaker's gateway), at Gate's paths, so scripts, Jenkins jobs and spin
 * that talked to Gate keep working against Gantry: thin adapters over the native routes' stores and
 * permission checks (READ to read, EXECUTE on the application and accounts to trigger).
 */
export const gateRoutes: FastifyPluginAsyncZod<GateRoutesOptions> = async (app, options) => {
  const { pipelines } = options;

  // spin reads nothing from the answer, it only needs the call to succeed (spin's cmd/gateclient/client.go).
  app.get('/version', { schema: gateVersionSchema, config: signedIn }, async () => ({ version: GATE_API_VERSION }));
  const onApplication = (action: Action) => needs(`${action} on the application`, (request) => [{ kind: 'application', name: applicationOf(request), action }]);

  app.get('/applications/:application/pipelineConfigs', { schema: gateListPipelineConfigsSchema, config: onApplication('READ') }, async (request) => {
    const listed = await pipelines.list({ application: applicationOf(request) });
    return listed.map(pipelineConfig);
  });

  app.get('/applications/:application/pipelineConfigs/:pipelineName', { schema: gateGetPipelineConfigSchema, config: onApplication('READ') }, async (request) => {
    const pipeline = await pipelineOf(pipelines, request);
    const listed = await pipelines.list({ application: pipeline.application });
    return pipelineConfig(pipeline, listed.findIndex((candidate) => candidate.id === pipeline.id));
  });

  const toRun = needs("EXECUTE on the pipeline's application and on each account its stages use", async (request) => {
    const { application, definition } = await pipelineOf(pipelines, request);
    return permissionsToRun(application, Array.isArray(definition.stages) ? definition.stages : []);
  });

  app.post('/pipelines/:application/:pipelineName', { schema: gateTriggerSchema, config: toRun }, async (request, reply) => {
    const pipeline = await pipelineOf(pipelines, request);
    // Gate's body is the trigger itself; its type and user are not the caller's to choose.
    const { parameters = {}, type: _type, user: _user, ...trigger } = request.body ?? {};
    const user = actorOf(request);
    return answerIdempotently(request, reply, options.idempotencyKeys, async (launchKey) => {
      const launched = await options.executions.launch({
        pipelineId: pipeline.id,
        trigger: { ...trigger, type: 'manual', user },
        parameters,
        actor: user,
        ...(launchKey === undefined ? {} : { idempotencyKey: launchKey }),
      });
      const execution = await dispatchLaunch(options.bus, launched, request.log);
      return { statusCode: 202, body: { ref: `/pipelines/${execution.id}` } };
    });
  });
};
