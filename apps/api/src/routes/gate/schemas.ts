import { z } from 'zod';
import { errorResponses, idempotentHeaders } from '../commonSchemas';

const tags = ['gate'];
const jsonObject = z.record(z.string(), z.unknown());

const applicationParams = z.object({
  application: z.string().min(1).max(200).describe("The application, as Spinnaker names it (case-blind; '-', '_' and '.' are dropped, as the import does)"),
});
const pipelineParams = applicationParams.extend({
  pipelineName: z.string().min(1).max(200).describe("The pipeline's name (or its Gantry id)"),
});

/** A pipeline as Gate serves it: the stored definition with Gantry's id, and front50's bookkeeping fields. */
const pipelineConfigSchema = z
  .looseObject({ id: z.string(), application: z.string(), name: z.string(), index: z.number().int(), updateTs: z.string() })
  .meta({ id: 'GatePipelineConfig' });

export const gateListPipelineConfigsSchema = {
  tags,
  summary: "Gate's GET /applications/{application}/pipelineConfigs: the application's pipelines, as spin and Deck read them",
  params: applicationParams,
  response: { 200: z.array(pipelineConfigSchema), ...errorResponses(400, 401, 403) },
};

export const gateGetPipelineConfigSchema = {
  tags,
  summary: "Gate's GET /applications/{application}/pipelineConfigs/{pipelineName}",
  params: pipelineParams,
  response: { 200: pipelineConfigSchema, ...errorResponses(400, 401, 403, 404) },
};

/** Gate's trigger body (what spin and Jenkins jobs send): the trigger map itself. */
const gateTriggerBody = z
  .looseObject({
    type: z.string().optional().describe('Ignored: a trigger through this endpoint is manual'),
    user: z.string().optional().describe('Ignored: the execution records the authenticated caller'),
    parameters: jsonObject.optional().describe("Values for the pipeline's parameters"),
    artifacts: z.array(jsonObject).optional().describe("Artifacts for the pipeline's expected artifacts"),
  })
  .optional();

export const gateTriggerSchema = {
  tags,
  summary: "Gate's POST /pipelines/{application}/{pipelineName}: trigger a pipeline by application and name, as spin pipeline execute does",
  description: 'Answers 202 `{"ref": "/pipelines/<executionId>"}` like Gate; the execution is the same as POST /api/v1/pipelines/{id}/executions makes.',
  headers: idempotentHeaders,
  params: pipelineParams,
  body: gateTriggerBody,
  response: { 202: z.object({ ref: z.string() }), ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 503) },
};

export const gateVersionSchema = {
  tags,
  summary: "Gate's GET /version: spin calls it before every command to check that Gate is reachable",
  response: { 200: z.object({ version: z.string() }), ...errorResponses(401) },
};
