import { NotFoundError, artifactSchema, gantryApplicationName, permissionsToRun, redactSecrets, withoutTriggerIdentity, type WatchAccounts } from '@gantry/core';
import type { MessageBus } from '@gantry/queue';
import type { ExecutionRepository, IdempotencyKeys, PipelineRecord, PipelineRepository } from '@gantry/store';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { triggerIdentityOf } from '../../actor';
import { needs, signedIn } from '../../auth/access';
import { onApplication } from '../../auth/resources';
import { dispatchLaunch } from '../../dispatch';
import { answerIdempotently } from '../../idempotency';
import { errorResponses, idempotentHeaders } from '../commonSchemas';
import { gateGetPipelineConfigSchema, gateVersionSchema } from './schemas';

export interface GateRoutesOptions {
  pipelines: Pick<PipelineRepository, 'findByName' | 'list'>;
  executions: ExecutionRepository;
  /** The drift watches' accounts, which a syncManifests stage naming a watch acts in. */
  watchAccounts?: WatchAccounts;
  bus: MessageBus;
  /** Where Idempotency-Keys of triggers are remembered (as for the native trigger); without it the header is not honoured. */
  idempotencyKeys?: IdempotencyKeys;
}

/** What GET /version answers: Gate answers its build; spin reads nothing from it. */
export const GATE_API_VERSION = 'gantry (Gate API subset)';

const nameParams = z.object({ application: z.string().min(1).max(200), pipelineName: z.string().min(1).max(200) });

const triggerSchema = {
  tags: ['gate'],
  summary: "Spinnaker Gate's pipeline trigger: POST /pipelines/{application}/{pipelineName}",
  description:
    "The body is Gate's trigger map (`parameters`, `artifacts`, `expectedArtifactIds`, any other field kept on the trigger); `type` is always manual and `user` the caller. Answers Gate's `{ref: \"/pipelines/<execution id>\"}`.",
  headers: idempotentHeaders,
  params: nameParams,
  body: z
    .looseObject({
      parameters: z.record(z.string(), z.unknown()).optional(),
      artifacts: z.array(artifactSchema).optional(),
      expectedArtifactIds: z.array(z.string().min(1)).optional(),
    })
    .optional(),
  response: { 202: z.object({ ref: z.string() }), ...errorResponses(400, 404, 409, 413, 415) },
};

const pipelineConfigsSchema = {
  tags: ['gate'],
  summary: "Spinnaker Gate's GET /applications/{application}/pipelineConfigs",
  description: 'Every pipeline of the application at its latest version, in the saved (Spinnaker) form with `id`, `application`, `name`, `index` and `updateTs`; secret-named fields redacted.',
  params: z.object({ application: z.string().min(1).max(200) }),
  response: { 200: z.array(z.record(z.string(), z.unknown())), ...errorResponses(400) },
};

const paramsOf = (request: FastifyRequest) => request.params as z.output<typeof nameParams>;

/**
 * The application a Gate path names, as `gantry import spinnaker` named it: Spinnaker compares names
 * case-blind and the import drops "-", "_" and "." (a name that maps to nothing is left as it is, and matches nothing).
 */
function applicationOf(request: FastifyRequest): string {
  const { application } = request.params as { application: string };
  const mapped = gantryApplicationName(application);
  return mapped.ok ? mapped.name : application;
}

/** A stored pipeline as Gate serves it: the saved (Spinnaker) form with Gantry's id, its position, front50's updateTs, secrets redacted. */
function pipelineConfig(pipeline: PipelineRecord, index: number): Record<string, unknown> {
  // Redaction keeps an object an object; the check only satisfies the type.
  const redacted = redactSecrets(pipeline.definition);
  const definition = typeof redacted === 'object' && redacted !== null ? redacted : {};
  return { ...definition, id: pipeline.id, application: pipeline.application, name: pipeline.name, index, updateTs: String(pipeline.updatedAt.getTime()) };
}

/**
 * The subset of Spinnaker Gate's API that scripts and Jenkins jobs call, at Gate's own paths (no
 * /api/v1), behind the same authentication: triggering a pipeline by application and name, and
 * listing an application's pipeline configs. Gate's webhook paths are the webhook routes'.
 */
export const gateRoutes: FastifyPluginAsyncZod<GateRoutesOptions> = async (app, { pipelines, executions, bus, idempotencyKeys, watchAccounts }) => {
  // By name, or by id: Gate's path parameter is pipelineNameOrId.
  const find = async (request: FastifyRequest) => {
    const { pipelineName } = paramsOf(request);
    const application = applicationOf(request);
    const pipeline =
      (await pipelines.findByName(application, pipelineName)) ?? (await pipelines.list({ application })).find((candidate) => candidate.id === pipelineName);
    if (pipeline === undefined || pipeline === null) throw new NotFoundError(`no pipeline "${pipelineName}" in application ${application}`, { application, pipelineName });
    return pipeline;
  };
  const toRun = needs("EXECUTE on the pipeline's application and on each account its stages use", async (request) => {
    const { application, definition } = await find(request);
    return permissionsToRun(application, Array.isArray(definition.stages) ? definition.stages : [], watchAccounts);
  });

  app.post('/pipelines/:application/:pipelineName', { schema: triggerSchema, config: toRun }, async (request, reply) => {
    const { parameters = {}, ...trigger } = request.body ?? {};
    const pipeline = await find(request);
    // As the API's own trigger: the authenticated caller and its roles, whatever the body claims.
    const identity = triggerIdentityOf(request);
    // A Jenkins job retried with the same Idempotency-Key starts one execution, as on the native trigger.
    return answerIdempotently(request, reply, idempotencyKeys, async (launchKey) => {
      const launched = await executions.launch({
        pipelineId: pipeline.id,
        trigger: { ...withoutTriggerIdentity(trigger), type: 'manual', ...identity },
        parameters,
        actor: identity.user,
        ...(launchKey === undefined ? {} : { idempotencyKey: launchKey }),
      });
      const execution = await dispatchLaunch(bus, launched, request.log);
      return { statusCode: 202, body: { ref: `/pipelines/${execution.id}` } };
    });
  });

  app.get(
    '/applications/:application/pipelineConfigs',
    { schema: pipelineConfigsSchema, config: onApplication('READ', applicationOf) },
    async (request) => (await pipelines.list({ application: applicationOf(request) })).map(pipelineConfig),
  );

  app.get('/applications/:application/pipelineConfigs/:pipelineName', { schema: gateGetPipelineConfigSchema, config: onApplication('READ', applicationOf) }, async (request) => {
    const pipeline = await find(request);
    const listed = await pipelines.list({ application: pipeline.application });
    return pipelineConfig(pipeline, listed.findIndex((candidate) => candidate.id === pipeline.id));
  });

  // spin reads nothing from the answer; it only needs the call to succeed (spin's cmd/gateclient/client.go).
  app.get('/version', { schema: gateVersionSchema, config: signedIn }, async () => ({ version: GATE_API_VERSION }));
};
