import { parsePipelineDefinition, pipelineDefinitionSchema } from '@gantry/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { signedIn } from '../../auth/access';
import { parseBodyWith } from '../../validation/validatorCompiler';
import { errorResponses } from '../commonSchemas';

export const validatePipelineSchema = {
  tags: ['pipelines'],
  summary: 'Check a pipeline definition as a save would, without saving it',
  description:
    'The same checks as POST /pipelines (schema, stage fields, refIds, requisites, cycles, expressions): 400 VALIDATION with ' +
    '`details.issues[].path` for each problem, else 200 with the definition as it would be stored. The web UI’s editor calls it as you type.',
  body: pipelineDefinitionSchema,
  response: { 200: z.object({ valid: z.literal(true), definition: z.record(z.string(), z.unknown()) }), ...errorResponses(400, 413, 415) },
};

/**
 * `POST /pipelines/validate`: any signed-in caller, since it answers only about the body it was
 * sent. The deploy policy's save-time rules (accounts, approvals) are left to the save itself.
 */
export const validatePipelineRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/pipelines/validate',
    { schema: validatePipelineSchema, validatorCompiler: parseBodyWith(parsePipelineDefinition), config: signedIn },
    async (request) => ({ valid: true as const, definition: request.body }),
  );
};
