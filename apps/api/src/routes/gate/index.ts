import { NotFoundError, artifactSchema, permissionsToRun, redactSecrets, withoutTriggerIdentity } from '@gantry/core';
import type { MessageBus } from '@gantry/queue';
import type { ExecutionRepository, PipelineRepository } from '@gantry/store';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { triggerIdentityOf } from '../../actor';
import { needs } from '../../auth/access';
import { onApplication } from '../../auth/resources';
import { dispatchLaunch } from '../../dispatch';
import { errorResponses } from '../commonSchemas';

export interface GateRoutesOptions {
  pipelines: Pick<PipelineRepository, 'findByName' | 'list'>;
  executions: ExecutionRepository;
  bus: MessageBus;
}

const nameParams = z.object({ application: z.string().min(1).max(200), pipelineName: z.string().min(1).max(200) });

const triggerSchema = {
  tags: ['gate'],
  summary: "Spinnaker Gate's pipeline trigger: POST /pipelines/{application}/{pipelineName}",
  description:
    "The body is Gate's trigger map (`parameters`, `artifacts`, `expectedArtifactIds`, any other field kept on the trigger); `type` is always manual and `user` the caller. Answers Gate's `{ref: \"/pipelines/<execution id>\"}`.",
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
  description: 'Every pipeline of the application at its latest version, in the saved (Spinnaker) form with `id`, `application`, `name` and `index`; secret-named fields redacted.',
  params: z.object({ application: z.string().min(1).max(200) }),
  response: { 200: z.array(z.record(z.string(), z.unknown())), ...errorResponses(400) },
};

const paramsOf = (request: FastifyRequest) => request.params as z.output<typeof nameParams>;

/**
 * The subset of Spinnaker Gate's API that scripts and Jenkins jobs call, at Gate's own paths (no
 * /api/v1), behind the same authentication: triggering a pipeline by application and name, and
 * listing an application's pipeline configs. Gate's webhook paths are the webhook routes'.
 */
export const gateRoutes: FastifyPluginAsyncZod<GateRoutesOptions> = async (app, { pipelines, executions, bus }) => {
  const find = async (request: FastifyRequest) => {
    const { application, pipelineName } = paramsOf(request);
    const pipeline = await pipelines.findByName(application, pipelineName);
    if (pipeline === null) throw new NotFoundError(`no pipeline "${pipelineName}" in application ${application}`, { application, pipelineName });
    return pipeline;
  };
  const toRun = needs("EXECUTE on the pipeline's application and on each account its stages use", async (request) => {
    const { application, definition } = await find(request);
    return permissionsToRun(application, Array.isArray(definition.stages) ? definition.stages : []);
  });

  app.post('/pipelines/:application/:pipelineName', { schema: triggerSchema, config: toRun }, async (request, reply) => {
    const { parameters = {}, ...trigger } = request.body ?? {};
    const pipeline = await find(request);
    // As the API's own trigger: the authenticated caller and its roles, whatever the body claims.
    const identity = triggerIdentityOf(request);
    const launched = await executions.launch({
      pipelineId: pipeline.id,
      trigger: { ...withoutTriggerIdentity(trigger), type: 'manual', ...identity },
      parameters,
      actor: identity.user,
    });
    const execution = await dispatchLaunch(bus, launched, request.log);
    return reply.code(202).send({ ref: `/pipelines/${execution.id}` });
  });

  app.get(
    '/applications/:application/pipelineConfigs',
    { schema: pipelineConfigsSchema, config: onApplication('READ', (request) => (request.params as { application: string }).application) },
    async (request) => {
      const listed = await pipelines.list({ application: request.params.application });
      return listed.map((pipeline, index) => {
        // Redaction keeps an object an object; the check only satisfies the type.
        const redacted = redactSecrets(pipeline.definition);
        const definition = typeof redacted === 'object' && redacted !== null ? redacted : {};
        return { ...definition, id: pipeline.id, application: pipeline.application, name: pipeline.name, index };
      });
    },
  );
};
