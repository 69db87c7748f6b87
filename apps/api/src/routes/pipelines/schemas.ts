import { z } from 'zod';
import { pipelineDefinitionSchema } from '@gantry/core';
import { actorHeaders, errorResponses, uuid } from '../commonSchemas';

const jsonObject = z.record(z.string(), z.unknown());
const version = z.coerce.number({ error: 'must be a number' }).int().positive();

export const pipelineIdParams = z.object({ id: uuid });
export const pipelineVersionParams = z.object({ id: uuid, version });

export const listPipelinesQuery = z.object({
  application: z.string().min(1).optional().describe('Only pipelines of this application'),
});

export const updatePipelineQuery = z.object({
  expectedVersion: version
    .optional()
    .describe('Refuse the save with 409 CONFLICT unless the pipeline is still at this version (optimistic locking)'),
});

export const pipelineSchema = z
  .object({
    id: uuid,
    application: z.string(),
    name: z.string(),
    version: z.number().int().describe('Latest version; every save adds one'),
    definition: jsonObject.describe('The latest definition, as validated and normalised at save time'),
    createdAt: z.date(),
    updatedAt: z.date(),
    source: z
      .object({
        repository: z.string().describe('The configured pipelines repository'),
        path: z.string().describe('The file in it'),
        commit: z.string().nullable().describe('The commit the latest version was read at'),
      })
      .optional()
      .describe('Set when the pipeline is synced from git: edit it there (the API refuses with 409)'),
  })
  .meta({ id: 'Pipeline' });

export const pipelineVersionSchema = z
  .object({
    pipelineId: uuid,
    version: z.number().int(),
    definition: jsonObject,
    createdBy: z.string().nullable(),
    createdAt: z.date(),
    gitCommit: z.string().optional().describe('The commit a version synced from git was read at'),
  })
  .meta({ id: 'PipelineVersion' });

const definitionBody = pipelineDefinitionSchema.describe(
  'A pipeline definition (Spinnaker-like). Besides this schema, refIds must be unique and requisiteStageRefIds must name existing stages without cycles.',
);

export const createPipelineSchema = {
  tags: ['pipelines'],
  summary: 'Create a pipeline (version 1)',
  headers: actorHeaders,
  body: definitionBody,
  response: { 201: pipelineSchema, ...errorResponses(400, 409, 413, 415, 422) },
};

export const updatePipelineSchema = {
  tags: ['pipelines'],
  summary: 'Save a new version of a pipeline',
  headers: actorHeaders,
  params: pipelineIdParams,
  querystring: updatePipelineQuery,
  body: definitionBody,
  response: { 200: pipelineSchema, ...errorResponses(400, 404, 409, 413, 415, 422) },
};

export const getPipelineSchema = {
  tags: ['pipelines'],
  summary: 'Get a pipeline at its latest version',
  params: pipelineIdParams,
  response: { 200: pipelineSchema, ...errorResponses(400, 404) },
};

export const listPipelinesSchema = {
  tags: ['pipelines'],
  summary: 'List pipelines, ordered by application and name',
  querystring: listPipelinesQuery,
  response: { 200: z.object({ pipelines: z.array(pipelineSchema) }), ...errorResponses(400) },
};

export const listVersionsSchema = {
  tags: ['pipelines'],
  summary: 'The history of a pipeline, newest version first',
  params: pipelineIdParams,
  response: { 200: z.object({ versions: z.array(pipelineVersionSchema) }), ...errorResponses(400, 404) },
};

export const getVersionSchema = {
  tags: ['pipelines'],
  summary: 'One version of a pipeline',
  params: pipelineVersionParams,
  response: { 200: pipelineVersionSchema, ...errorResponses(400, 404) },
};

export const deletePipelineSchema = {
  tags: ['pipelines'],
  summary: 'Delete a pipeline (its executions keep their history); a locked one is refused (409) until unlocked',
  headers: actorHeaders,
  params: pipelineIdParams,
  response: { 204: z.undefined().describe('Deleted'), ...errorResponses(400, 404, 409) },
};

const finding = z.object({
  path: z.array(z.union([z.string(), z.number()])),
  pathString: z.string().describe('The path joined with ".", e.g. stages.2.clusters.0.image'),
  message: z.string(),
});

export const validatePipelineSchema = {
  tags: ['pipelines'],
  summary: 'Report what Gantry makes of a pipeline document (Spinnaker\'s or its own), without saving it',
  description:
    'What loads (and how Spinnaker spellings are read), what is stored but has no effect, and what is unsupported, each with its path. ' +
    'Needs the permission saving the pipeline needs: WRITE on its application. See docs/spinnaker-compatibility.md.',
  body: z
    .looseObject({ application: z.string().min(1).describe('The application the pipeline would be saved in (needed for the permission check)') })
    .describe('A pipeline document as it would be saved'),
  response: {
    200: z
      .object({
        accepted: z.boolean().describe('Whether saving this document succeeds; exactly then `unsupported` is empty'),
        loads: z.array(finding),
        ignored: z.array(finding),
        unsupported: z.array(finding),
      })
      .meta({ id: 'CompatibilityReport' }),
    ...errorResponses(400, 413, 415),
  },
};
